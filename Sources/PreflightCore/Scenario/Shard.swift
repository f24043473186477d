import Foundation

/// `--shard K/N`: the K-th of N parts of the scenario files, so that N CI machines
/// running the same command with K = 1…N together run every file exactly once.
///
/// Files are dealt out in turn in the order of their paths, not the order the command
/// line named them in, so every machine computes the same split; dealing in turn keeps
/// the parts within one file of each other in size.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Reads `K/N` with 1 ≤ K ≤ N.
    /// - Throws: a sentence saying what was expected.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else {
            throw ParseError(message: "--shard takes K/N, the part to run and how many parts there are (--shard 2/4), got \"\(text)\".")
        }
        guard count >= 1, (1...count).contains(index) else {
            throw ParseError(message: "--shard \(text): in K/N, K must be between 1 and N, and N at least 1.")
        }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// This part's files, in the order they were given.
    public func select(_ scenarios: [Scenario]) -> [Scenario] {
        let files = Set(scenarios.map(\.file)).sorted()
        let mine = Set(files.enumerated().filter { $0.offset % count == index - 1 }.map(\.element))
        return scenarios.filter { mine.contains($0.file) }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
