import Mongo

extension CompatFieldResult {
    /// The failure's one line: `billed: 3 of 120 documents have a wrong type (string ×2,
    /// int ×1); samples: o-7, o-9, l-3`, each problem of the field in turn.
    var message: String {
        var problems: [String] = []
        if wrongType > 0 {
            let types = wrongTypes.isEmpty ? "" : " (\(CompatText.breakdown(wrongTypes)))"
            problems.append("\(of(wrongType)) \(wrongType == 1 ? "has" : "have") a wrong type\(types)" + CompatText.samples(wrongTypeSamples))
        }
        if let pattern = field.pattern, patternMismatches > 0 {
            problems.append("\(of(patternMismatches)) \(patternMismatches == 1 ? "does" : "do") not match the pattern \(pattern)" + CompatText.samples(patternSamples))
        }
        if field.required && missing > 0 {
            problems.append("\(of(missing)) \(missing == 1 ? "lacks" : "lack") it, and it is required" + CompatText.samples(missingSamples))
        }
        return "\(field.path): " + (problems.isEmpty ? "passed" : problems.joined(separator: " — "))
    }

    /// For a spec's one-line summary: `billed: 3 documents with a wrong type (string ×2, int ×1)`.
    var shortProblem: String {
        var problems: [String] = []
        if wrongType > 0 {
            let types = wrongTypes.isEmpty ? "" : " (\(CompatText.breakdown(wrongTypes)))"
            problems.append("\(CompatText.documents(wrongType)) with a wrong type\(types)")
        }
        if patternMismatches > 0 { problems.append("\(CompatText.documents(patternMismatches)) not matching the pattern") }
        if field.required && missing > 0 { problems.append("\(CompatText.documents(missing)) without it (required)") }
        return "\(field.path): " + problems.joined(separator: ", ")
    }

    /// Every count of the field on one line, passing or not: `✓ billed: 120 documents: 117
    /// allowed (bool), 3 missing (the default false applies), 0 wrong type`.
    var countLine: String {
        "\(passed ? "✓" : "✗") \(field.path): \(CompatText.documents(documents)): \(counts)"
    }

    private var counts: String {
        var parts = ["\(allowed.grouped) allowed (\(field.typeDescription))"]
        if field.required {
            parts.append("\(missing.grouped) missing (required)")
        } else {
            parts.append("\(missing.grouped) missing" + (field.defaultValue.map { " (the default \(Matcher.shown($0)) applies)" } ?? ""))
        }
        if field.types != nil {
            parts.append("\(wrongType.grouped) wrong type" + (wrongTypes.isEmpty ? "" : " (\(CompatText.breakdown(wrongTypes)))"))
        }
        if let pattern = field.pattern { parts.append("\(patternMismatches.grouped) not matching \(pattern)") }
        return parts.joined(separator: ", ")
    }

    /// The failure's body: what the field must be, the counts, every sample as Extended JSON.
    func details(_ report: CompatReport) -> String {
        var expected = field.typeDescription
        if let pattern = field.pattern { expected += ", strings matching \(Matcher.quoted(pattern.description))" }
        expected += field.required
            ? "; required" : "; when missing, " + (field.defaultValue.map { "the default \(Matcher.shown($0)) applies" } ?? "it passes")
        var lines = [CompatText.line("field", field.path), CompatText.line("expected", expected)]
        lines += report.readLines
        lines.append(CompatText.line("counts", counts))
        for (what, ids) in [("wrong type", wrongTypeSamples), ("pattern", patternSamples), ("missing", missingSamples)] where !ids.isEmpty {
            lines.append(CompatText.line("samples", ids.map { $0.extendedJSON(.relaxed) }.joined(separator: ", ") + " (\(what))"))
        }
        return lines.joined(separator: "\n")
    }

    /// `3 of 120 documents`.
    private func of(_ count: Int) -> String {
        "\(count.grouped) of \(CompatText.documents(documents))"
    }
}
