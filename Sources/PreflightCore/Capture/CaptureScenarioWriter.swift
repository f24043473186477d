import Mongo

/// The text of a captured scenario (the README, “Scenario files”, format 1): its structure as plain JSON,
/// indented two spaces and always in the same order, and every value in canonical
/// Extended JSON, so int32, int64, double, Decimal128, dates and binary data come back as
/// they were. One fixture document per line keeps a diff of two captures readable.
struct CaptureScenarioWriter {
    static let testName = "the capture query finds the captured documents"

    var name: String
    var description: String
    var database: String
    /// In the order captured; a collection with no document is written as `[]`.
    var fixtures: [(collection: String, documents: [BSONDocument])]
    /// The replay: a find on the root collection with this filter, sorted by `_id`.
    var collection: String
    var filter: BSONDocument
    var expectedIDs: [BSON]

    func text() -> String {
        var out = "{\n"
        out += "  \"preflight\": 1,\n"
        out += "  \"name\": \(Self.string(name)),\n"
        out += "  \"description\": \(Self.string(description)),\n"
        out += "  \"tags\": [\"captured\"],\n"
        out += "  \"database\": \(Self.string(database)),\n"
        out += "  \"fixtures\": {"
        for (index, fixture) in fixtures.enumerated() {
            out += (index == 0 ? "\n" : ",\n") + "    \(Self.string(fixture.collection)): "
            out += Self.list(fixture.documents.map { $0.extendedJSON(.canonical) }, indent: "    ")
        }
        out += fixtures.isEmpty ? "},\n" : "\n  },\n"
        out += "  \"tests\": [\n"
        out += "    {\n"
        out += "      \"name\": \(Self.string(Self.testName)),\n"
        out += "      \"steps\": [\n"
        out += "        {\n"
        out += "          \"find\": \(Self.string(collection)),\n"
        out += "          \"filter\": \(filter.extendedJSON(.canonical)),\n"
        out += "          \"sort\": {\"_id\": 1},\n"
        let expected = expectedIDs.map { BSONDocument([("_id", $0)]).extendedJSON(.canonical) }
        out += "          \"expect\": \(Self.list(expected, indent: "          "))\n"
        out += "        }\n"
        out += "      ]\n"
        out += "    }\n"
        out += "  ]\n"
        out += "}\n"
        return out
    }

    /// A JSON array with one element per line.
    private static func list(_ elements: [String], indent: String) -> String {
        guard !elements.isEmpty else { return "[]" }
        return "[\n" + elements.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n" + indent + "]"
    }

    private static func string(_ text: String) -> String {
        BSON.string(text).extendedJSON()
    }
}
