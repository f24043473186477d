import Mongo

extension CompatReachabilityResult {
    /// The failure's one line: `…: 2 of 5 documents of the population are not matched by
    /// the query; samples: l-501, l-505`.
    var message: String {
        if let error { return "\(rule.name): \(error)" }
        return "\(rule.name): \(notMatched.grouped) of \(CompatText.documents(population)) of the population "
            + "\(notMatched == 1 ? "is" : "are") not matched by the query" + CompatText.samples(samples)
    }

    /// For a spec's one-line summary.
    var shortProblem: String {
        if error != nil { return "\(rule.name): the server could not count it" }
        return "\(rule.name): \(notMatched.grouped) of \(CompatText.documents(population)) not matched by the query"
    }

    var countLine: String {
        "\(passed ? "✓" : "✗") \(rule.name): \(counts)"
    }

    private var counts: String {
        if let error { return error }
        return "\(CompatText.documents(population)) in the population, \(notMatched.grouped) not matched by the query"
    }

    func details(_ report: CompatReport) -> String {
        var lines = [
            CompatText.line("rule", rule.name),
            CompatText.line("population", Failures.clip(Redaction.redact(.document(rule.population)).extendedJSON(.relaxed))),
            CompatText.line("query", Failures.clip(Redaction.redact(.document(rule.query)).extendedJSON(.relaxed))),
        ]
        lines += report.readLines
        lines.append(CompatText.line("counts", counts))
        if !samples.isEmpty { lines.append(CompatText.line("samples", samples.map { $0.extendedJSON(.relaxed) }.joined(separator: ", "))) }
        return lines.joined(separator: "\n")
    }
}
