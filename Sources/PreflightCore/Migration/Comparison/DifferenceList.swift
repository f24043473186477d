import Mongo

/// The differences a check found, listed as a migration verifier lists them: the first
/// twenty in full, the rest counted, so a migration that breaks a million documents
/// produces a readable report and constant memory.
struct DifferenceList: Sendable {
    static let shownInFull = 20

    /// What the second state is, for the listing: `after up`, `after down`.
    let phase: String
    private(set) var lines: [String] = []
    /// Every difference, listed or not.
    private(set) var count = 0
    /// Documents with at least one difference.
    private(set) var documents = 0

    init(phase: String) {
        self.phase = phase
    }

    var isEmpty: Bool { count == 0 }

    /// `orders o-3: missing after up`, `orders o-17: billed_month: changed from …`.
    mutating func add(_ difference: DocumentDifference, in collection: String) {
        documents += 1
        switch difference {
        case .missing(let id):
            add("\(collection) \(DifferenceValue.identifier(id)): missing \(phase)")
        case .extra(let id):
            add("\(collection) \(DifferenceValue.identifier(id)): extra \(phase) (no document with this _id before)")
        case .changed(let id, let changes):
            for change in changes { add("\(collection) \(DifferenceValue.identifier(id)): \(change.description)") }
        }
    }

    /// A difference that is not about one document: a count, a collection, an index.
    mutating func add(_ line: String) {
        count += 1
        if lines.count < Self.shownInFull { lines.append(line) }
    }

    /// The failure: a summary and the first difference as its one-line message, the
    /// listing under it.
    func problem(_ what: String) -> TestProblem {
        let more = count - lines.count
        var details = lines.joined(separator: "\n")
        if more > 0 { details += "\n… and \(more) more difference\(more == 1 ? "" : "s") not listed" }
        let summary = "\(count) difference\(count == 1 ? "" : "s")"
            + (documents > 0 ? " in \(documents) document\(documents == 1 ? "" : "s")" : "")
        return TestProblem(type: "difference", message: "\(what): \(summary); the first: \(lines.first ?? "")", details: details)
    }
}
