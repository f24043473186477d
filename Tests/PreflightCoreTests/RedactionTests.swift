import Mongo
import XCTest

@testable import PreflightCore

final class RedactionTests: XCTestCase {
    func testSensitiveKeysAreReplacedAtAnyDepth() throws {
        let document = try ExtendedJSON.parseDocument(
            #"{"user": "ann", "password": "hunter2", "nested": {"apiToken": 42, "list": [{"pwd": "x"}]}, "secretive": {"a": 1}}"#)
        let redacted = Redaction.redact(.document(document)).extendedJSON(.relaxed)
        XCTAssertEqual(
            redacted,
            #"{"user":"ann","password":"<redacted>","nested":{"apiToken":"<redacted>","list":[{"pwd":"<redacted>"}]},"secretive":"<redacted>"}"#)
    }

    func testJSONInFreeTextLosesItsSecrets() {
        let text = #"result[0]: unexpected field "password" … actual: {"name":"ann","password":"hunter2","auth":{"token":123},"keys":{"secret":"s3"}}"#
        let redacted = Redaction.redactText(text)
        XCTAssertFalse(redacted.contains("hunter2"), redacted)
        XCTAssertFalse(redacted.contains("123"), redacted)
        XCTAssertFalse(redacted.contains("s3"), redacted)
        XCTAssertTrue(redacted.contains(#""name":"ann""#), redacted)
        XCTAssertTrue(redacted.contains(#""password":"<redacted>""#), redacted)
    }

    func testEscapedQuotesInsideASecretDoNotEndTheRedaction() {
        let redacted = Redaction.redactText(#"{"password": "a\"b, c", "next": 1}"#)
        XCTAssertEqual(redacted, #"{"password": "<redacted>", "next": 1}"#)
    }

    func testConnectionStringsInTextLoseTheirPassword() {
        let redacted = Redaction.redactText("cannot reach mongodb://ann:hunter2@db.example:27017/app now")
        XCTAssertFalse(redacted.contains("hunter2"), redacted)
        XCTAssertTrue(redacted.contains("db.example:27017"), redacted)
    }

    func testMismatchOnASecretFieldShowsNoValues() {
        let problem = Failures.mismatch(
            "step", Mismatch(path: "result.user.password", message: #"expected "a", got "hunter2""#),
            expected: ["password": "a"], actual: ["password": "hunter2"])
        XCTAssertFalse(problem.message.contains("hunter2"), problem.message)
        XCTAssertFalse(problem.details.contains("hunter2"), problem.details)
    }

    func testServerMessagesLoseTheSecretsTheyQuote() {
        let message = #"E11000 duplicate key error collection: pf_1.users index: apiToken_1 dup key: { apiToken: "tok-SECRET-123" }"#
        let redacted = Redaction.redactText(message)
        XCTAssertFalse(redacted.contains("tok-SECRET-123"), redacted)
        XCTAssertTrue(redacted.contains("index: apiToken_1 dup key"), redacted)
        XCTAssertFalse(Redaction.redactText("{ user: ann, password: hunter2 }").contains("hunter2"))
        XCTAssertEqual(Redaction.redactText("result.password: expected <redacted>"), "result.password: expected <redacted>")
    }

    /// Validation messages quote the value they refuse; a secret in it is replaced there too.
    func testValidationMessagesQuoteValuesWithoutTheirSecrets() {
        let described = Diagnostics.describe(["user": "ann", "password": "hunter2"])
        XCTAssertFalse(described.contains("hunter2"), described)
        XCTAssertTrue(described.contains(#""user":"ann""#), described)
    }
}
