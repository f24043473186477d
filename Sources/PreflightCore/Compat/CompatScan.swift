import Foundation
import Mongo

/// Holds a collection to a compat spec, read-only: one aggregation counts every field at
/// once (see `CompatPipeline`); only what fails is read again, for its wrong types and up
/// to `samples` offending `_id`s; each reachability rule is two counts. Only `aggregate`
/// and `find` are sent (a count is an aggregation).
///
/// The counts come from one pass and are exact. Samples, the breakdown of wrong types
/// and the reachability counts are read after it: on a collection being written at the
/// same time they may differ slightly from the pass.
public enum CompatScan {
    /// The app name the server sees, so a compat scan is easy to tell apart in its logs.
    public static let appName = "preflight-compat"

    /// Scans `spec.collection` in `database`.
    /// - Throws: `CompatScanError` when a read fails or the server refuses a pattern.
    public static func run(_ spec: CompatSpec, database: String, client: MongoClient) throws -> CompatReport {
        let collection = client.collection(spec.collection, in: database)
        let pipeline = CompatPipeline(spec: spec)
        let namespace = "\(database).\(spec.collection)"

        let started = Date()
        let counts: BSONDocument
        do {
            counts = try collection.aggregate(pipeline.counting).first ?? [:]
        } catch {
            throw refusedPattern(spec, collection) ?? .readFailed(reading: "counting the fields of \(namespace)", error: error)
        }
        // One pass serves every field: each gets an equal share of its time.
        let share = Date().timeIntervalSince(started) / Double(max(spec.fields.count, 1))

        let failing = spec.fields.indices.filter { number(counts["w\($0)"]) > 0 }
        var wrongTypes: [Int: [(type: String, count: Int)]] = [:]
        var breakdownShare: TimeInterval = 0
        if !failing.isEmpty {
            let breakdownStarted = Date()
            let rows = try read("counting the wrong types in \(namespace)") { try collection.aggregate(pipeline.wrongTypeBreakdown(failing)) }
            for row in rows {
                guard let key = row["_id"]?.documentValue, let index = key["f"]?.integerValue, let type = key["t"]?.stringValue else { continue }
                wrongTypes[Int(index), default: []].append((type, number(row["n"])))
            }
            breakdownShare = Date().timeIntervalSince(breakdownStarted) / Double(failing.count)
        }

        var fields: [CompatFieldResult] = []
        for (index, field) in spec.fields.enumerated() {
            let fieldStarted = Date()
            let type = CompatPipeline.typeExpression(field.path)
            let wrong = number(counts["w\(index)"]), mismatches = number(counts["p\(index)"]), missing = number(counts["m\(index)"])
            func samplesOf(_ count: Int, _ condition: @autoclosure () -> BSON?, _ what: String) throws -> [BSON] {
                guard count > 0, let condition = condition() else { return [] }
                return try samples(pipeline.matching(condition), spec, collection, reading: "reading \(what) of \(field.path) in \(namespace)")
            }
            let wrongSamples = try samplesOf(wrong, CompatPipeline.wrongType(field, type: type), "documents with a wrong type")
            let patternSamples = try samplesOf(
                mismatches, field.pattern.map { CompatPipeline.patternMismatch($0, type: type, value: .string("$" + field.path)) },
                "strings not matching the pattern")
            let missingSamples = try samplesOf(field.required ? missing : 0, CompatPipeline.isMissing(type: type), "documents without it")
            fields.append(CompatFieldResult(
                field: field, documents: number(counts["documents"]), allowed: number(counts["a\(index)"]), missing: missing,
                wrongType: wrong, patternMismatches: mismatches,
                wrongTypes: (wrongTypes[index] ?? []).sorted { ($0.count, $1.type) > ($1.count, $0.type) },
                wrongTypeSamples: wrongSamples, patternSamples: patternSamples, missingSamples: missingSamples,
                duration: share + (failing.contains(index) ? breakdownShare : 0) + Date().timeIntervalSince(fieldStarted)))
        }

        var rules: [CompatReachabilityResult] = []
        for rule in spec.reachability {
            do {
                rules.append(try reach(rule, spec, pipeline, collection, namespace: namespace))
            } catch {
                // The server refused this rule's filters: one bad rule must not take the
                // fields' counts down with it. A lost connection still ends the scan.
                guard case .readFailed(let reading, let error) = error, error.kind == .server else { throw error }
                var refused = CompatReachabilityResult(rule: rule, population: 0, notMatched: 0, samples: [], duration: 0)
                refused.error = "The server failed while \(reading): \(error)"
                rules.append(refused)
            }
        }
        return CompatReport(spec: spec, database: database, documents: number(counts["documents"]), fields: fields, reachability: rules)
    }

    /// The population's size and the part of it the query does not match, as two counts:
    /// `{$and: [scope, population]}` and `{$and: [scope, population, {$nor: [query]}]}`.
    private static func reach(
        _ rule: ReachabilityRule, _ spec: CompatSpec, _ pipeline: CompatPipeline, _ collection: MongoCollection, namespace: String
    ) throws(CompatScanError) -> CompatReachabilityResult {
        let started = Date()
        let missed = pipeline.scoped([rule.population, ["$nor": [.document(rule.query)]]])
        let reading = "counting the population of \"\(rule.name)\" in \(namespace)"
        let population = try read(reading) { Int(try collection.countDocuments(pipeline.scoped([rule.population]))) }
        let notMatched = try read(reading) { Int(try collection.countDocuments(missed)) }
        let samples = notMatched > 0
            ? try samples(missed, spec, collection, reading: "reading documents \"\(rule.name)\" misses in \(namespace)") : []
        return CompatReachabilityResult(
            rule: rule, population: population, notMatched: notMatched, samples: samples, duration: Date().timeIntervalSince(started))
    }

    /// Up to `spec.samples` `_id`s matching `filter`, in `_id` order: the same ones on
    /// every run over the same data.
    private static func samples(
        _ filter: BSONDocument, _ spec: CompatSpec, _ collection: MongoCollection, reading: String
    ) throws(CompatScanError) -> [BSON] {
        guard spec.samples > 0 else { return [] }
        let options: BSONDocument = ["projection": ["_id": 1], "sort": ["_id": 1], "limit": .int64(Int64(spec.samples))]
        return try read(reading) { try collection.find(filter, options: options).compactMap { $0["_id"] } }
    }

    /// When the counting aggregation failed: the first pattern the server refuses, if one
    /// is to blame. Each is tried on one document with `$regexMatch`, as the count used it.
    private static func refusedPattern(_ spec: CompatSpec, _ collection: MongoCollection) -> CompatScanError? {
        for (field, pattern) in spec.fields.compactMap({ field in field.pattern.map { (field, $0) } }) {
            var match: BSONDocument = ["input": "", "regex": .string(pattern.pattern)]
            if !pattern.options.isEmpty { match["options"] = .string(pattern.options) }
            do {
                _ = try collection.aggregate([["$limit": 1], ["$project": ["_id": 0, "m": ["$regexMatch": .document(match)]]]])
            } catch where error.kind == .server {
                return .patternRefused(ValidationError(
                    file: spec.file, line: pattern.line, column: pattern.column,
                    path: JSONPath.root.key("fields").key(field.path).key("pattern"),
                    message: "the server refuses the pattern \(Matcher.quoted(pattern.pattern)): \(error)"))
            } catch {
                return nil
            }
        }
        return nil
    }

    private static func read<T>(_ reading: String, _ body: () throws -> T) throws(CompatScanError) -> T {
        do {
            return try body()
        } catch let error as MongoError {
            throw .readFailed(reading: reading, error: error)
        } catch {
            throw .readFailed(reading: reading, error: MongoError(kind: .client, message: "\(error)"))
        }
    }

    /// A count as the server sent it: int32, int64, or a double for a very large `$sum`.
    private static func number(_ value: BSON?) -> Int {
        Int(value?.integerValue ?? 0)
    }
}
