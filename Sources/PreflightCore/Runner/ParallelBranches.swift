import Foundation
import Mongo

/// Runs `parallel` branches at once: each on a thread and a connection of its own, all
/// released together by a barrier once every branch holds its connection, so the race
/// the step is written to reproduce really happens.
enum ParallelBranches {
    static func run(_ branches: [[Step]], step: Step, _ environment: StepEnvironment) throws {
        let barrier = Barrier(parties: branches.count)
        let results = BranchResults(count: branches.count)
        let done = DispatchGroup()
        // Only the Sendable parts cross to the branch threads; each builds its own environment.
        let (pool, database, scenario, scope, failPoints, log) = (
            environment.pool, environment.database, environment.scenario, environment.scope, environment.failPoints,
            environment.log
        )
        for (index, steps) in branches.enumerated() {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                do {
                    try pool.withClient { client in
                        // The client's connection is opened before the barrier, so the
                        // branches' first commands leave together.
                        _ = try? client.runCommand(["ping": 1], on: "admin")
                        barrier.arriveAndWait(party: index)
                        let branch = StepEnvironment(
                            pool: pool, client: client, session: nil, database: database, scenario: scenario,
                            scope: scope.child(), failPoints: failPoints, log: log)
                        try StepRunner.run(steps, branch)
                    }
                } catch let failure as RunFailure {
                    results.set(index, failure.prefixed("branch \(index + 1)"))
                } catch let error as MongoError {
                    results.set(index, .errored(Failures.unexpected("branch \(index + 1)", error)))
                } catch {
                    results.set(index, .errored(TestProblem(type: "error", message: "branch \(index + 1): \(error)")))
                }
                // A branch that failed before the barrier must still release the others.
                barrier.leave(party: index)
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        done.wait()
        let failures = results.all.compactMap { $0 }
        guard let first = failures.first else { return }
        var problem = first.prefixed(step.title).problem
        if failures.count > 1 {
            problem.message += " (and \(failures.count - 1) more failing branch\(failures.count > 2 ? "es" : ""))"
            problem.details += "\n\n" + failures.dropFirst().map { $0.problem.message + "\n" + $0.problem.details }.joined(separator: "\n\n")
        }
        if failures.contains(where: { if case .errored = $0 { true } else { false } }) {
            throw RunFailure.errored(problem)
        }
        throw RunFailure.failed(problem)
    }
}

/// Releases its parties together once all have arrived (or left early).
final class Barrier: @unchecked Sendable {
    // @unchecked: state is guarded by `condition`.
    private let condition = NSCondition()
    private var waiting: Int
    private var arrived: Set<Int> = []

    init(parties: Int) {
        waiting = parties
    }

    func arriveAndWait(party: Int) {
        condition.lock()
        defer { condition.unlock() }
        arrivedOnce(party)
        while waiting > 0 { condition.wait() }
    }

    /// For a party that will not arrive (or already did): counts it once.
    func leave(party: Int) {
        condition.lock()
        defer { condition.unlock() }
        arrivedOnce(party)
    }

    private func arrivedOnce(_ party: Int) {
        guard arrived.insert(party).inserted else { return }
        waiting -= 1
        if waiting == 0 { condition.broadcast() }
    }
}

final class BranchResults: @unchecked Sendable {
    // @unchecked: `results` is guarded by `lock`.
    private let lock = NSLock()
    private var results: [RunFailure?]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ failure: RunFailure) {
        lock.withLock { results[index] = failure }
    }

    var all: [RunFailure?] { lock.withLock { results } }
}
