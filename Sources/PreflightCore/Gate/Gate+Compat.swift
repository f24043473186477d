import Foundation
import Mongo

extension Gate {
    /// Today's compat scans, kept with their reports so the pass after the pending
    /// migrations can say what they fixed.
    struct CompatToday {
        var items: [GateItem]
        var specs: [CompatSpec]
    }

    /// Each spec held to the real database, read-only.
    func compatItems() -> CompatToday {
        var items: [GateItem] = []
        var specs: [CompatSpec] = []
        for (spec, entry) in zip(loaded.specs, loaded.checklist.compat) {
            let spec = spec.allowingEmpty(entry.policy.allowEmpty ?? spec.allowEmpty)
            specs.append(spec)
            items.append(compatItem(spec, policy: entry.policy, database: database, today: true))
        }
        return CompatToday(items: items, specs: specs)
    }

    /// One spec's scan of `database` as an item.
    func compatItem(_ spec: CompatSpec, policy: ItemPolicy, database: String, today: Bool) -> GateItem {
        let started = Date()
        let name = spec.file
        if today, let missing = privileges.missing(.read(database: self.database)) {
            var item = GateItem(section: .compat, name: name, outcome: .unknown, reason: "could not be read: the user lacks \(missing)", file: spec.file)
            item.policy = policy
            return item
        }
        var item: GateItem
        progress.stage("compat \(spec.file): scanning " + (today ? "\(database).\(spec.collection)" : "a copy of \(self.database).\(spec.collection) after the migrations"))
        do {
            let report = try run.pool.withClient { try CompatScan.run(spec, database: database, client: $0) }
            item = GateItem(section: .compat, name: name, outcome: report.passed ? .passed : .failed, reason: Self.compatReason(report), file: spec.file)
            item.details = ([report.summary] + report.readLines + report.countLines).joined(separator: "\n")
            if !report.passed { item.details += "\n\n" + report.failureDetails }
            item.figures = Self.figures(report)
        } catch let error as CompatScanError {
            if case .readFailed(_, let mongoError) = error, mongoError.code == 13 {
                item = GateItem(section: .compat, name: name, outcome: .unknown, reason: "reading was refused: \(mongoError.message)", file: spec.file)
            } else {
                item = GateItem(section: .compat, name: name, outcome: .unknown, reason: error.errorDescription ?? "\(error)", file: spec.file)
            }
        } catch {
            item = GateItem(section: .compat, name: name, outcome: .unknown, reason: "\(error)", file: spec.file)
        }
        item.policy = policy
        item.duration = Date().timeIntervalSince(started)
        return item
    }

    /// `orders carry …: 312 of 1,204 documents of the population are not matched …` or the pass with its count.
    static func compatReason(_ report: CompatReport) -> String {
        if report.passed { return report.summary }
        if report.checkedNothing { return report.summary }
        let failures = report.fields.filter { !$0.passed }.map(\.message) + report.reachability.filter { !$0.passed }.map(\.message)
        return "\(report.spec.name) (\(CompatText.documents(report.documents)) in \(report.database).\(report.spec.collection)): "
            + failures.joined(separator: "; ")
    }

    /// Every check's counts, named `check.count`: `documents`, `billed.wrongType`, `every delivered….notMatched`.
    static func figures(_ report: CompatReport) -> [(name: String, value: Int)] {
        var figures: [(name: String, value: Int)] = [("documents", report.documents)]
        for field in report.fields { figures += field.figures.map { ("\(field.field.path).\($0.name)", $0.value) } }
        for rule in report.reachability { figures += rule.figures.map { ("\(rule.rule.name).\($0.name)", $0.value) } }
        return figures
    }
}

extension CompatSpec {
    /// The spec with the checklist's `allowEmpty`, which speaks for this deployment.
    func allowingEmpty(_ reason: String?) -> CompatSpec {
        CompatSpec(
            file: file, name: name, description: description, collection: collection, database: database, scope: scope, fields: fields,
            reachability: reachability, samples: samples, allowEmpty: reason)
    }
}
