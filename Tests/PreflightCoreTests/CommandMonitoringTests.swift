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

/// The scan that decides whether a command or reply is read for secrets at all.
final class EventDocumentTests: XCTestCase {
    func testTextIsFoundInKeysStringsAndNestedDocumentsAndArrays() {
        let document = EventDocument([
            "find": "orders",
            "filter": ["customer": ["name": "Ada", "tags": ["vip", "apiToken"]]],
            "code": .javascript("return this.pwd"),
        ])
        func finds(_ word: String) -> Bool {
            document.containsText { String(decoding: $0, as: UTF8.self).contains(word) }
        }
        XCTAssertTrue(finds("find"), "a key")
        XCTAssertTrue(finds("orders"), "a string")
        XCTAssertTrue(finds("Ada"), "a string in a nested document")
        XCTAssertTrue(finds("apiToken"), "a string in an array")
        XCTAssertTrue(finds("this.pwd"), "JavaScript")
        XCTAssertFalse(finds("hunter2"))
        XCTAssertEqual(document.document["filter"]?.documentValue?["customer"]?.documentValue?["name"], "Ada")
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
