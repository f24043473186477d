import Mongo

extension MigrationLoader {
    /// The lists of field paths a collection's entry may hold.
    static let listKeys = ["adds", "removes", "changes"]
    static let changeKeys = listKeys + ["created"]

    /// `changes`: per collection, the fields `up` may add, remove or change, or that it
    /// creates the collection. Everything not declared must come through `up` unchanged,
    /// so a declaration that cannot mean anything is refused rather than ignored.
    static func changes(_ reader: FieldReader, _ diagnostics: Diagnostics) -> [DeclaredChanges] {
        guard let document = reader.document("changes", required: true) else {
            return []
        }
        var declared: [DeclaredChanges] = []
        for (collection, value) in document {
            let path = JSONPath.root.key("changes").key(collection)
            if let problem = CollectionName.problem(collection) { diagnostics.error(path, problem) }
            guard let body = value.documentValue else {
                diagnostics.error(path, "expected {\"adds\": [...], \"removes\": [...], \"changes\": [...]} (field paths), or {\"created\": true}, got \(Diagnostics.describe(value))")
                continue
            }
            let fields = FieldReader(body, at: path, diagnostics)
            fields.allowOnly(changeKeys)
            var entry = DeclaredChanges(collection: collection, created: fields.bool("created") ?? false)
            entry.adds = paths(fields, "adds")
            entry.removes = paths(fields, "removes")
            entry.changes = paths(fields, "changes")
            // Counted as written, so a list whose paths were all refused is not also "nothing".
            let listed = listKeys.reduce(0) { $0 + (body[$1]?.arrayValue?.count ?? 0) }
            if entry.created && listed > 0 {
                diagnostics.error(path, "a collection that `up` creates has no fields to declare: every document in it is new")
            } else if !entry.created && listed == 0 && body.keys.allSatisfy(changeKeys.contains)
                // A list (or `created`) written as something else is already an error of its own.
                && listKeys.allSatisfy({ body[$0] == nil || body[$0]?.arrayValue != nil })
                && (body["created"] == nil || body["created"]?.boolValue != nil) {
                diagnostics.error(path, "declares nothing: list the fields `up` adds, removes or changes, or remove \"\(collection)\"")
            }
            declared.append(entry)
        }
        return declared
    }

    /// A collection in `changes` that no step of `up` or `down` names, when one that they
    /// do name is a slip away: `tikets` beside an `up` that writes `tickets` would declare
    /// nothing there, and every change to `tickets` would then read as undeclared.
    ///
    /// Only where every write is seen: a `command` step (`update`, `insert`…) or a
    /// pipeline's `$out` / `$merge` names its target in a way the walk does not read, so
    /// with one of them nothing is asked. Nor about a created collection, or a name that
    /// extends another after `_`, `.` or a digit (`orders_2026` beside `orders`).
    static func checkChangedCollectionsAreNamed(_ changes: [DeclaredChanges], up: [Step], down: [Step], _ diagnostics: Diagnostics) {
        var walk = StepWalk()
        let unseenWrite = walk.first(in: up + down) { step in
            guard case .operation(let operation) = step.kind else { return false }
            return operation.action == .command || StepParser.pipelineWrites(operation.arguments["pipeline"])
        }
        guard unseenWrite == nil else { return }
        var named = CollectionsNamed()
        named.visit(up)
        named.visit(down)
        func extends(_ long: String, _ short: String) -> Bool {
            guard long.count > short.count, long.hasPrefix(short), let next = long.dropFirst(short.count).first else { return false }
            return next == "_" || next == "." || next.isNumber
        }
        for entry in changes where !entry.created && !named.names.contains(entry.collection) {
            guard let guess = NearestName.suggestion(for: entry.collection, among: named.names),
                  !extends(guess, entry.collection) && !extends(entry.collection, guess) else { continue }
            diagnostics.error(
                JSONPath.root.key("changes").key(entry.collection),
                "no step of `up` or `down` names the collection \"\(entry.collection)\"; did you mean \"\(guess)\"?")
        }
    }

    /// One list of field paths, each checked: a real path, not `_id`, listed once, and not
    /// inside another path of the same list (which already covers it).
    private static func paths(_ reader: FieldReader, _ key: String) -> [String] {
        guard let values = reader.strings(key) else { return [] }
        let diagnostics = reader.diagnostics
        var accepted: [String] = []
        for (index, text) in values.enumerated() {
            let at = reader.path.key(key).index(index)
            if let segment = text.split(separator: ".").first(where: { $0.hasPrefix("$") }) {
                diagnostics.error(at, "\"\(text)\" is not a field path: a field name cannot start with \"$\" (\"\(segment)\")")
                continue
            }
            guard let path = FieldPath(text[...]) else {
                diagnostics.error(at, "\"\(text)\" is not a field path: write dotted field names such as \"billing.month\", with no empty part")
                continue
            }
            if path.segments[0] == "_id" {
                diagnostics.error(at, "the _id identifies a document, so no migration may change it: a document with a new _id is another document")
                continue
            }
            if accepted.contains(text) {
                diagnostics.error(at, "\"\(text)\" is listed twice in \"\(key)\"")
                continue
            }
            if let outer = accepted.first(where: { text.hasPrefix($0 + ".") }) {
                diagnostics.error(at, "\"\(text)\" is inside \"\(outer)\", which \"\(key)\" already lists; keep one")
                continue
            }
            if let inner = accepted.first(where: { $0.hasPrefix(text + ".") }) {
                diagnostics.error(at, "\"\(text)\" holds \"\(inner)\", which \"\(key)\" already lists; keep one")
                continue
            }
            accepted.append(text)
        }
        return accepted
    }
}
