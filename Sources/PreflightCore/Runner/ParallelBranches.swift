import Foundation
import Mongo

/// Runs `parallel` branches at once: each on a thread and a connection of its own, all
/// released together by a barrier once every branch has its connection open, so the race
/// the step is written to reproduce really happens.
enum ParallelBranches {
    static func run(_ branches: [[Step]], step: Step, _ environment: StepEnvironment) throws {
        let results = Guarded<[RunFailure?]>(Array(repeating: nil, count: branches.count))
        do {
            // All connections are taken before any branch starts: taken one by one, two
            // parallel steps could each hold some and wait forever for the rest.
            try environment.pool.withClients(branches.count) { clients in
                run(branches, clients: clients, environment, into: results)
            }
        } catch let error as MongoError {
            throw RunFailure.errored(Failures.unexpected(step.title, error))
        }
        let failures = results.value.compactMap { $0 }
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

    private static func run(
        _ branches: [[Step]], clients: [MongoClient], _ environment: StepEnvironment, into results: Guarded<[RunFailure?]>
    ) {
        let barrier = Barrier(parties: branches.count)
        let done = DispatchGroup()
        // Only Sendable parts cross to the branch threads; each builds its own environment.
        let (pool, database, scenario, scope, failPoints, log, watch, programs) = (
            environment.pool, environment.database, environment.scenario, environment.scope, environment.failPoints,
            environment.log, environment.watch, environment.programs
        )
        for (index, steps) in branches.enumerated() {
            let handoff = ClientHandoff(client: clients[index])
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let client = handoff.client
                // The connection opens before the barrier, so the branches' first commands leave together.
                _ = try? client.runCommand(["ping": 1], on: "admin")
                barrier.arriveAndWait()
                let branch = StepEnvironment(
                    pool: pool, client: client, session: nil, database: database, scenario: scenario,
                    scope: scope.child(), failPoints: failPoints, log: log, watch: watch, programs: programs)
                do {
                    try StepRunner.run(steps, branch)
                } catch let failure as RunFailure {
                    results.mutate { $0[index] = failure.prefixed("branch \(index + 1)") }
                } catch let error as MongoError {
                    results.mutate { $0[index] = .errored(Failures.unexpected("branch \(index + 1)", error)) }
                } catch {
                    results.mutate { $0[index] = .errored(TestProblem(type: "error", message: "branch \(index + 1): \(error)")) }
                }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        done.wait()
    }
}

/// A client handed to the one branch thread that uses it until the step ends: libmongoc
/// clients may move between threads as long as one thread at a time uses them.
private struct ClientHandoff: @unchecked Sendable {
    let client: MongoClient
}
