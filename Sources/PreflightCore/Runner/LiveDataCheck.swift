import Foundation
import Mongo

/// For a live file: whether the collections it reads hold any document. A monitoring
/// check over an empty or misnamed database counts nothing and passes ("0 orders billed
/// twice"), so each such collection fails the file unless it says why with `allowEmpty`.
enum LiveDataCheck {
    static let testName = "the collections it reads hold documents"

    /// One test result: passed with the counts, or failed naming the empty collections.
    static func result(_ scenario: Scenario, database: String, client: MongoClient) -> TestResult {
        let started = Date()
        var empty: [String] = []
        var lines: [String] = []
        do {
            for collection in scenario.collectionsRead {
                // One `_id` is enough to know; a count would scan a production collection.
                let found = try client.collection(collection, in: database).find([:], options: ["limit": 1, "projection": ["_id": 1]])
                lines.append("\(database).\(collection): \(found.isEmpty ? "empty" : "holds documents")")
                if found.isEmpty { empty.append(collection) }
            }
        } catch {
            return TestResult(
                name: testName, duration: Date().timeIntervalSince(started),
                outcome: .errored(Failures.unexpected("reading \(database)", error)))
        }
        let output = lines.joined(separator: "\n")
        guard !empty.isEmpty else {
            return TestResult(name: testName, duration: Date().timeIntervalSince(started), outcome: .passed, output: output)
        }
        if let reason = scenario.allowEmpty {
            return TestResult(
                name: testName, duration: Date().timeIntervalSince(started), outcome: .passed,
                output: output + "\nallowed empty: \(reason)")
        }
        let names = empty.map { "\(database).\($0)" }.joined(separator: ", ")
        let message = "nothing was checked: \(names) \(empty.count == 1 ? "holds" : "hold") no document; every count over it reads as healthy. "
            + "Is the database right (--database, or the URI's)? If it may be empty, say why with \"allowEmpty\": \"…\""
        return TestResult(
            name: testName, duration: Date().timeIntervalSince(started),
            outcome: .failed(TestProblem(type: "emptyData", message: message, details: output)), output: output)
    }
}
