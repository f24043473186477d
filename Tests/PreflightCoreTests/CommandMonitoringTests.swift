import Mongo
import XCTest

/// libmongoc's command monitoring, copied out of the callbacks.
final class CommandMonitoringTests: ScratchServerTestCase {
    func testStartedAndSucceededEventsPairUpWithTheCommandAsSent() throws {
        let marker = ObjectID().hex
        try withClient { client in
            try client.collection("orders", in: database).insertOne(["_id": .string(marker)])
        }
        let events = Self.events.all.filter { $0.commandName == "insert" }
        let startIndex = try XCTUnwrap(events.firstIndex { event in
            if case .started(let command, _) = event.outcome {
                return command["documents"]?.arrayValue?.first?.documentValue?["_id"] == .string(marker)
            }
            return false
        })
        let started = events[startIndex]
        guard case .started(let command, let databaseName) = started.outcome else { return XCTFail() }
        XCTAssertEqual(command.keys.first, "insert", "the command name comes first")
        XCTAssertEqual(databaseName, database)
        XCTAssertTrue(started.host.hasPrefix("127.0.0.1:"), started.host)
        // Request ids count per client, so the reply is the next event with this id after the start.
        let finished = try XCTUnwrap(events[startIndex...].first { $0.requestID == started.requestID && !$0.isStarted })
        guard case .succeeded(let reply, let microseconds) = finished.outcome else {
            return XCTFail("expected success, got \(finished.outcome)")
        }
        XCTAssertEqual(reply["n"]?.integerValue, 1)
        XCTAssertGreaterThanOrEqual(microseconds, 0)
    }

    func testAFailedCommandIsReportedWithItsMessage() throws {
        try withClient { client in
            _ = try? client.runCommand(["definitelyNotACommand": 1], on: database)
        }
        let failed = Self.events.all.filter { $0.commandName == "definitelyNotACommand" && !$0.isStarted }
        guard case .failed(let message, let reply, _)? = failed.last?.outcome else {
            return XCTFail("no failed event: \(failed)")
        }
        XCTAssertTrue(message.contains("definitelyNotACommand"), message)
        XCTAssertEqual(reply["code"]?.integerValue, 59)
    }
}

extension CommandEvent {
    var isStarted: Bool {
        if case .started = outcome { return true }
        return false
    }
}
