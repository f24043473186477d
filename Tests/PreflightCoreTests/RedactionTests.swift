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

/// Redaction by value: once a value is known to be secret, it is masked wherever it
/// travels (issue 11). Each test plants values of its own: the registry is process-wide.
final class RedactionByValueTests: XCTestCase {
    func testAValueSeenUnderASecretKeyIsMaskedUnderAnyOtherKey() throws {
        Redaction.learn(.document(try ExtendedJSON.parseDocument(#"{"login": "ann", "password": "bv-Seen-Once-1"}"#)))
        let elsewhere = Redaction.redact(["copy": "bv-Seen-Once-1", "list": ["bv-Seen-Once-1"], "note": "is bv-Seen-Once-1 here"])
        XCTAssertEqual(elsewhere.extendedJSON(.relaxed), #"{"copy":"<redacted>","list":["<redacted>"],"note":"is <redacted> here"}"#)
        XCTAssertEqual(Redaction.redactText("server said bv-Seen-Once-1"), "server said <redacted>")
    }

    func testAVariableNamedLikeASecretIsSecretAllTheWayDown() throws {
        let scenario = try ScenarioLoader(variableOverrides: ["cliToken": "bv-Cli-override"]).load(
            try ExtendedJSON.parseDocument(#"{"preflight": 1, "name": "v", "vars": {"apiSecret": {"inner": ["bv-Deep-value"]}, "cliToken": "x", "plain": "bv-plain-ok"}, "tests": [{"name": "t", "steps": [{"count": "c", "expect": 0}]}]}"#),
            file: "v.json", bytes: [])
        XCTAssertEqual(scenario.vars["plain"], "bv-plain-ok")
        XCTAssertEqual(Redaction.redactText(#"actual: {"inner": ["bv-Deep-value"]}, bv-Cli-override, bv-plain-ok"#),
                       #"actual: {"inner": ["<redacted>"]}, <redacted>, bv-plain-ok"#)
    }

    func testALiteralComparedWithASecretFieldIsSecret() throws {
        let command = try ExtendedJSON.parseDocument(#"{"find": "users", "filter": {"$expr": {"$eq": ["$password", "bv-Expr-literal"]}}}"#)
        let redacted = Redaction.redact(.document(command)).extendedJSON(.relaxed)
        XCTAssertEqual(redacted, #"{"find":"users","filter":{"$expr":{"$eq":["$password","<redacted>"]}}}"#)
    }

    /// What no key rule can see: a `$project` that renames a secret field, a `distinct`
    /// over one; the command says which reply keys carry it.
    func testRepliesToCommandsThatDeriveFromASecretFieldAreLearnt() throws {
        let discovery = SecretDiscovery()
        discovery.started(
            EventDocument(try ExtendedJSON.parseDocument(#"{"aggregate": "users", "pipeline": [{"$project": {"renamed": "$auth.password", "login": 1}}]}"#)),
            name: "aggregate", operationID: 7)
        discovery.replied(
            EventDocument(try ExtendedJSON.parseDocument(#"{"cursor": {"firstBatch": [{"renamed": "bv-Renamed-pw", "login": "bv-login-kept"}], "id": 0}, "ok": 1}"#)),
            operationID: 7)
        discovery.started(EventDocument(try ExtendedJSON.parseDocument(#"{"distinct": "users", "key": "pwd"}"#)), name: "distinct", operationID: 8)
        discovery.replied(EventDocument(try ExtendedJSON.parseDocument(#"{"values": ["bv-Distinct-pw"], "ok": 1}"#)), operationID: 8)
        discovery.started(EventDocument(try ExtendedJSON.parseDocument(#"{"distinct": "users", "key": "login"}"#)), name: "distinct", operationID: 9)
        discovery.replied(EventDocument(try ExtendedJSON.parseDocument(#"{"values": ["bv-Distinct-login"], "ok": 1}"#)), operationID: 9)
        let text = Redaction.redactText("bv-Renamed-pw bv-login-kept bv-Distinct-pw bv-Distinct-login")
        XCTAssertEqual(text, "<redacted> bv-login-kept <redacted> bv-Distinct-login")
    }

    func testEveryReportFormatMasksAKnownSecret() {
        SecretValues.shared.add("bv-Report-secret")
        XCTAssertFalse(XMLText.content("a bv-Report-secret b").contains("bv-Report"))
        XCTAssertFalse(XMLText.attribute("a bv-Report-secret b").contains("bv-Report"))
        XCTAssertFalse(XMLText.oneLine("a bv-Report-secret b", limit: 12).contains("bv-Rep"))
        XCTAssertFalse(JSONValue.quoted("a bv-Report-secret b").contains("bv-Report"))
        XCTAssertFalse(MarkdownSummary.inline("a bv-Report-secret b", limit: 500).contains("bv"))
    }

    /// Two connection strings inside one word of compact JSON, as a live document holding
    /// tenants' URIs prints in a mismatch: both passwords hidden.
    func testEveryConnectionStringInCompactJSONIsRedacted() {
        let text = #"got [{"uri":"mongodb://app:FIRSTPASSWD@db1:27017/x"},{"uri":"mongodb+srv://app:SECONDPASSWD@cluster.example/y?w=1"}]"#
        let redacted = Redaction.redactText(text)
        XCTAssertFalse(redacted.contains("FIRSTPASSWD"), redacted)
        XCTAssertFalse(redacted.contains("SECONDPASSWD"), redacted)
        XCTAssertTrue(redacted.contains("db1:27017/x"), redacted)
        XCTAssertTrue(redacted.contains("cluster.example/y?w=1"), redacted)
    }
}
