import Foundation
import Mongo

/// The copy the gate holds things to after the pending migrations: the collections copied
/// read-only from the real database into a sandbox (whole up to the limit, else a random
/// sample), with their indexes and options, every pending migration's `up` applied in
/// order, then the work, then the sandbox dropped.
struct AfterMigrations {
    let gate: Gate
    let collections: [String]
    let limit: Int

    struct State {
        var compat: [GateItem]
        /// Item index → whether the live test held on the copy; empty on a sample.
        var live: [Int: Bool]
        var copy: String
        var whole: Bool
        /// The documents copied, by collection, before the migrations ran.
        var copied: [String: Int]
        /// The sandbox the copy was in, which the items after the migrations name.
        var sandbox: String
    }

    struct Failure: Error {
        var message: String
        /// A migration's `up` failed on the copy: the deployment itself would fail.
        var upFailed = false
    }

    func run(_ body: (_ sandbox: String, _ whole: Bool) -> ([GateItem], [Int: Bool])) -> Result<State, Failure> {
        let run = gate.run
        do {
            let counts = try gate.counts(collections)
            let whole = counts.values.allSatisfy { $0 <= limit }
            let copy = Gate.describe(counts, whole: whole, limit: limit)
            let reader = try SourceReader(uri: gate.uri, databaseOverride: gate.database)
            defer { reader.close() }
            return try run.pool.withClient { client -> Result<State, Failure> in
                let sandbox = try run.sandboxes.claim(using: client)
                defer {
                    if !run.options.keepDatabases, let problem = run.sandboxes.drop(sandbox, using: client) { gate.notes.append(problem) }
                }
                var copied: [String: Int] = [:]
                for collection in collections {
                    let target = client.collection(collection, in: sandbox)
                    // With the live one's options and indexes, so unique indexes and validators
                    // act on the migrations as they will in production.
                    let shape = try CollectionShape.read(collection, in: gate.database, client: client)
                    gate.notes += try shape?.create(target).map { "after the migrations: " + $0 } ?? []
                    if (counts[collection] ?? 0) <= limit {
                        copied[collection] = try reader.copyAll(collection, in: gate.database, into: target)
                    } else {
                        copied[collection] = try reader.sample(collection, in: gate.database, size: limit, into: target)
                    }
                    try shape?.validate(target, client: client)
                }
                for migration in gate.loaded.migrations {
                    let steps = MigrationSteps(pool: run.pool, client: client, commandLog: run.commandLog, scenario: migration.scenario, database: sandbox)
                    if let failure = steps.run(migration.up, log: TestLog()) {
                        return .failure(Failure(message: "\(migration.name): up fails on \(copy) after the migrations before it: \(failure.problem.message)", upFailed: true))
                    }
                }
                let (compat, live) = body(sandbox, whole)
                return .success(State(compat: compat, live: live, copy: copy, whole: whole, copied: copied, sandbox: sandbox))
            }
        } catch let error as MongoError {
            return .failure(Failure(message: error.message))
        } catch let failure as RunFailure {
            return .failure(Failure(message: failure.problem.message))
        } catch {
            return .failure(Failure(message: String(describing: error)))
        }
    }
}
