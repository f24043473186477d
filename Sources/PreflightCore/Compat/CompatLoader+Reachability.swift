import Mongo

extension CompatLoader {
    static let ruleKeys = ["name", "population", "query"]

    /// The spec's `reachability` rules: each named (uniquely, and not as a field: each is
    /// a test case of its own), with a population and a query.
    static func reachability(_ values: [BSON]?, fieldNames: Set<String>, _ diagnostics: Diagnostics) -> [ReachabilityRule] {
        guard let values else { return [] }
        let path = JSONPath.root.key("reachability")
        var names: Set<String> = []
        var rules: [ReachabilityRule] = []
        FieldReader.eachObject(in: values, at: path, diagnostics, expected: #"a rule such as {"name": "…", "population": {…}, "query": {…}}"#) { reader in
            let rulePath = reader.path
            reader.allowOnly(ruleKeys, context: " for a reachability rule")
            let name = reader.string("name", required: true)
            Redaction.checkPrinted(name, at: rulePath.key("name"), diagnostics)
            if let name, !names.insert(name).inserted {
                diagnostics.error(rulePath.key("name"), "another reachability rule is already named \"\(name)\"; each is a test case, and names must be unique")
            } else if let name, fieldNames.contains(name) {
                diagnostics.error(rulePath.key("name"), "\"\(name)\" names a field of this spec too; each is a test case, and names must be unique")
            }
            let population = reader.document("population", required: true)
            let query = reader.document("query", required: true)
            if query?.isEmpty == true {
                diagnostics.error(rulePath.key("query"), "an empty query matches every document, so the rule would always pass: write the application's query")
            }
            guard let name, let population, let query else { return }
            rules.append(ReachabilityRule(name: name, population: population, query: query, line: diagnostics.line(of: rulePath)))
        }
        return rules
    }
}
