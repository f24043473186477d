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

    /// The search rules out sixteen bytes at a time: seeded random bytes, rich in the words'
    /// letters in both cases and in Kelvin signs, each word placed at every offset of a
    /// block, against a plain byte-by-byte reading of the same bytes.
    func testTheBlockSearchAgreesWithAByteByByteReading() {
        func reference(_ bytes: [UInt8]) -> Bool {
            var folded: [UInt8] = []
            var index = 0
            while index < bytes.count {
                if index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x84, bytes[index + 2] == 0xAA {
                    folded.append(UInt8(ascii: "k"))
                    index += 3
                    continue
                }
                let byte = bytes[index]
                folded.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                index += 1
            }
            return SensitiveWords.words.contains { word in
                let pattern = Array(word.utf8)
                return folded.count >= pattern.count && (0...(folded.count - pattern.count)).contains { Array(folded[$0..<$0 + pattern.count]) == pattern }
            }
        }
        let letters = Array("pPaAsSwWoOrRdDeEcCtTkKnN".utf8) + [0x00, 0x20, 0x50 ^ 0x80, 0xF0, 0x70, 0x01]
        var random = LoaderFuzzTests.Generator(state: 20_261_207)
        var found = 0
        for round in 0..<20_000 {
            var bytes = (0..<random.below(60)).map { _ in letters[random.below(letters.count)] }
            if round % 3 == 0 {
                var word = Array(SensitiveWords.words[random.below(SensitiveWords.words.count)].utf8)
                if random.below(2) == 0 { word = word.map { $0 & ~0x20 } }
                if random.below(4) == 0, let k = word.firstIndex(where: { $0 | 0x20 == UInt8(ascii: "k") }) {
                    word.replaceSubrange(k...k, with: [0xE2, 0x84, 0xAA])
                }
                if random.below(5) == 0 { word.removeLast() }
                bytes.insert(contentsOf: word, at: random.below(bytes.count + 1))
            }
            let expected = reference(bytes)
            if expected { found += 1 }
            XCTAssertEqual(SensitiveWords.mayAppear(inBSON: bytes), expected, "round \(round): \(bytes)")
        }
        XCTAssertGreaterThan(found, 3_000, "the rounds must hold the words often")
        for word in SensitiveWords.words {
            for offset in 0..<33 {
                let bytes = Array(repeating: UInt8(ascii: "x"), count: offset) + Array(word.uppercased().utf8) + [0x00]
                XCTAssertTrue(SensitiveWords.mayAppear(inBSON: bytes), "\(word) at \(offset)")
                XCTAssertFalse(SensitiveWords.mayAppear(inBSON: Array(bytes.dropLast(2))), "\(word) cut short at \(offset)")
            }
        }
    }
}
