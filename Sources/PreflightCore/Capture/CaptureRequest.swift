import Foundation
import Mongo

/// What `preflight capture` is asked for, checked before any connection is made: names,
/// the filter (and that it compares redacted fields only in ways a replay can), each
/// --follow's source, each --redact's collection, an --output that is not a directory.
public struct CaptureRequest: Sendable {
    public let uri: String
    public let database: String
    /// The root collection: the documents the filter selects.
    public let collection: String
    public let filter: BSONDocument
    /// The filter as the user wrote it, for messages.
    public let filterText: String
    /// Applied in the order given: a rule may follow what an earlier one captured.
    public let follows: [FollowRule]
    public let redactions: [QualifiedField]
    public let limit: Int
    public let name: String
    public let output: String
    public let force: Bool

    /// - Throws: `CaptureError.usage`, naming the argument and what would be accepted.
    public init(
        uri: String, database: String, collection: String, filter: String = "{}", follows: [String] = [],
        redactions: [String] = [], limit: Int = 100, name: String? = nil, output: String, force: Bool = false
    ) throws(CaptureError) {
        if let problem = DatabaseName.problem(database) { throw .usage("--database: \(problem).") }
        if let problem = CollectionName.problem(collection) { throw .usage("--collection: \(problem).") }
        guard (1...CaptureError.documentCap).contains(limit) else {
            throw .usage("--limit must be between 1 and \(CaptureError.documentCap.grouped), the most one capture holds; got \(limit).")
        }
        guard !output.isEmpty else { throw .usage("--output needs the path of the scenario file to write.") }
        var isDirectory: ObjCBool = false
        if output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue) {
            let folder = output.reversed().drop { $0 == "/" }.reversed()
            throw .usage("--output names a directory; give a file name such as \(String(folder))/captured.json.")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .usage("--name cannot be empty: it names the scenario in every report.")
        }
        do {
            self.filter = try ExtendedJSON.parseDocument(filter)
        } catch {
            throw .usage("--filter is not a valid Extended JSON object: \(error.line):\(error.column): \(error.message).")
        }
        if let key = Self.operatorKey(in: .document(self.filter)) {
            throw .usage("--filter has a key \"\(key)\": scenario files read keys starting with $$ as their own operators, so the replay could not run this filter as written.")
        }
        self.follows = try follows.map { (text) throws(CaptureError) in try FollowRule(parsing: text) }
        self.redactions = try redactions.map { (text) throws(CaptureError) in
            guard let field = QualifiedField(text[...]) else {
                throw .usage("--redact takes COLLECTION.FIELD, such as customers_v2.phone (\(FieldPath.rule)); got \"\(text)\".")
            }
            return field
        }
        self.uri = uri
        self.database = database
        self.collection = collection
        self.filterText = filter
        self.limit = limit
        self.name = name ?? "Captured from \(database).\(collection)"
        self.output = output
        self.force = force
        try checkCollections()
        if let problem = Redactor.unreplayableComparison(in: self.filter, collection: collection, redactions: self.redactions) {
            throw .usage(problem)
        }
    }

    /// A rule follows only what is captured before it; a redaction names a captured collection.
    private func checkCollections() throws(CaptureError) {
        var available = [collection]
        for rule in follows {
            if let problem = CollectionName.problem(rule.target.collection) { throw .usage("--follow \(rule): \(problem).") }
            guard available.contains(rule.source.collection) else {
                let others = available.dropFirst()
                throw .usage("""
                    --follow \(rule): nothing is captured from \(rule.source.collection) before this rule. \
                    A rule follows \(collection) (the --collection)\(others.isEmpty ? "" : " or a collection an earlier --follow captures: \(others.joined(separator: ", "))"); \
                    rules apply in the order given.
                    """)
            }
            if !available.contains(rule.target.collection) { available.append(rule.target.collection) }
        }
        for field in redactions where !available.contains(field.collection) {
            throw .usage("--redact \(field): \(field.collection) is not captured; the captured collections are \(available.joined(separator: ", ")).")
        }
    }

    /// The first key starting with `$$` anywhere in `value`.
    static func operatorKey(in value: BSON) -> String? {
        switch value {
        case .document(let document):
            for (key, element) in document {
                if VariableName.isOperatorKey(key) { return key }
                if let found = operatorKey(in: element) { return found }
            }
            return nil
        case .array(let elements):
            return elements.lazy.compactMap(operatorKey).first
        default:
            return nil
        }
    }
}
