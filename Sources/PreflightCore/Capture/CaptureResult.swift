import Foundation

/// What a capture wrote, for the summary `preflight capture` prints.
public struct CaptureResult: Sendable {
    public struct Collection: Sendable {
        public var name: String
        public var documents: Int
        /// `the filter`, or the --follow rule that first captured into it.
        public var source: String
    }

    public var output: String
    public var database: String
    public var collections: [Collection]
    /// Each --redact path and how many values it replaced.
    public var redacted: [(path: String, values: Int)]
    /// Paths replaced because their key looks like a secret, and how many values.
    public var automaticallyRedacted: [(path: String, values: Int)]
    /// Things the user should know that did not stop the capture (standard error).
    public var warnings: [String]

    public var total: Int { collections.reduce(0) { $0 + $1.documents } }

    /// The summary for standard output, ending with the command that replays the capture.
    public var summary: String {
        var lines = ["Captured \(total.grouped) document\(total == 1 ? "" : "s") from \(database):"]
        let width = collections.map(\.name.count).max() ?? 0
        for collection in collections {
            let padding = String(repeating: " ", count: width - collection.name.count)
            lines.append("  \(collection.name)\(padding)  \(collection.documents.grouped)  (\(collection.source))")
        }
        if !redacted.isEmpty {
            lines.append("Redacted (--redact): " + redacted.map { "\($0.path) (\(Self.values($0.values)))" }.joined(separator: ", "))
        }
        if !automaticallyRedacted.isEmpty {
            lines.append(
                "Redacted because the key looks like a secret: "
                    + automaticallyRedacted.map { "\($0.path) (\(Self.values($0.values)))" }.joined(separator: ", "))
        }
        lines.append("Wrote \(output)")
        lines.append("Next: preflight run \(Self.shellWord(output))")
        return lines.joined(separator: "\n")
    }

    private static func values(_ count: Int) -> String {
        "\(count.grouped) value\(count == 1 ? "" : "s")"
    }

    /// The path as a shell reads it back: quoted only when it needs to be.
    private static func shellWord(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@%".contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
