import Mongo
import XCTest

@testable import PreflightCore

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
                return command.document["documents"]?.arrayValue?.first?.documentValue?["_id"] == .string(marker)
            }
            return false
        })
        let started = events[startIndex]
        guard case .started(let event, let databaseName) = started.outcome else { return XCTFail() }
        let command = event.document
        XCTAssertEqual(command.keys.first, "insert", "the command name comes first")
        XCTAssertEqual(databaseName, database)
        XCTAssertTrue(started.host.hasPrefix("127.0.0.1:"), started.host)
        // Request ids count per client, so the reply is the next event with this id after the start.
        let finished = try XCTUnwrap(events[startIndex...].first { $0.requestID == started.requestID && !$0.isStarted })
        guard case .succeeded(let reply, let microseconds) = finished.outcome else {
            return XCTFail("expected success, got \(finished.outcome)")
        }
        XCTAssertEqual(reply.document["n"]?.integerValue, 1)
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
        XCTAssertEqual(reply.document["code"]?.integerValue, 59)
    }
}

extension CommandEvent {
    var isStarted: Bool {
        if case .started = outcome { return true }
        return false
    }
}

/// The search that decides whether a command or reply is read for secrets at all.
final class EventDocumentTests: XCTestCase {
    func testTheWordsAreFoundInKeysAndStringsAtAnyDepthAndInAnyCase() {
        func found(_ document: BSONDocument) -> Bool {
            SensitiveWords.mayAppear(inBSON: EventDocument(document).bytes)
        }
        XCTAssertFalse(found(["insert": "orders", "documents": [["_id": 1, "total": 2.5, "sku": "A-1"]], "ordered": true]))
        XCTAssertTrue(found(["insert": "users", "documents": [["profile": ["apiToken": "x"]]]]), "a key, nested")
        XCTAssertTrue(found(["find": "users", "filter": ["$expr": ["$eq": ["$auth.PassWord", "x"]]]]), "a string, in an array")
        XCTAssertTrue(found(["distinct": "users", "key": "pwd"]))
        XCTAssertTrue(found(["code": .javascript("return this.secret")]), "JavaScript")
        XCTAssertTrue(found(["TO\u{212A}EN": 1]), "the Kelvin sign lower-cases to k")
        XCTAssertEqual(EventDocument(["a": ["b": "c"]]).document, ["a": ["b": "c"]])
    }

    func testTheSensitiveWordScanAgreesWithLowerCasingOnBytes() {
        for text in ["password", "UserPWD", "x-Token-y", "secretive", "tok", "passwrd", "TO\u{212A}EN", "πpasswd"] {
            var copy = text
            let onBytes = copy.withUTF8 { SensitiveWords.appear(inUTF8: $0) }
            let lowered = text.lowercased()
            XCTAssertEqual(onBytes, SensitiveWords.words.contains { lowered.contains($0) }, text)
        }
    }
}
