import Foundation
import XCTest

@testable import PreflightCore

#if canImport(FoundationXML)
    import FoundationXML
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The JUnit report as CI servers read it: every strict report is written to disk and
/// validated by xmllint against both schemas (copies in `Fixtures/junit/`), then parsed
/// back to check that hostile text survives the trip.
final class JUnitReportTests: XCTestCase {
    private static let start = Date(timeIntervalSince1970: 1_709_622_489)  // 2024-03-05T07:08:09Z

    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("junit-report-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - Strict reports validate

    func testEveryOutcomeInSeveralSuitesValidatesAndIsCounted() throws {
        let report = JUnitReport(suites: [Self.mixedSuite(), Self.hostileSuite(), Self.emptySuite()], hostname: "ci-7")
        let path = try written(report)
        validate(path)

        let document = try parse(path)
        let suites = try elements(document, "/testsuites/testsuite")
        XCTAssertEqual(suites.count, 3)
        XCTAssertEqual(suites.map { $0.attribute(forName: "id")?.stringValue }, ["0", "1", "2"])
        XCTAssertEqual(attributes(suites[0], ["tests", "failures", "errors", "skipped"]), ["5", "1", "1", "2"])
        XCTAssertEqual(attributes(suites[1], ["tests", "failures", "errors", "skipped"]), ["2", "1", "1", "0"])
        XCTAssertEqual(attributes(suites[2], ["tests", "failures", "errors", "skipped"]), ["0", "0", "0", "0"])
        XCTAssertEqual(
            attributes(suites[0], ["name", "package", "hostname"]), ["billing", "scenarios.billing", "ci-7"])
        let cases = try elements(document, "/testsuites/testsuite[1]/testcase")
        XCTAssertEqual(
            cases.map { $0.attribute(forName: "classname")?.stringValue },
            Array(repeating: "scenarios.billing", count: 5))
        XCTAssertEqual(cases.map(childNames), [[], ["failure"], ["error"], ["skipped"], ["skipped"]])
        XCTAssertEqual(try elements(document, "//failure").first?.attribute(forName: "type")?.stringValue, "mismatch")
        XCTAssertEqual(try elements(document, "//error").first?.attribute(forName: "type")?.stringValue, "networkError")
    }

    func testSuiteChildrenComeInTheOrderJUnitXSDDemandsEachOnce() throws {
        let document = try parse(written(JUnitReport(suites: [Self.mixedSuite(), Self.emptySuite()])))
        for suite in try elements(document, "/testsuites/testsuite") {
            let names = childNames(suite)
            let testcases = names.filter { $0 == "testcase" }.count
            XCTAssertEqual(
                names, ["properties"] + Array(repeating: "testcase", count: testcases) + ["system-out", "system-err"])
        }
        XCTAssertEqual(document.rootElement()?.attributes?.count ?? 0, 0, "<testsuites> must carry no attributes")
    }

    func testNoSuitesIsAValidReport() throws {
        let report = JUnitReport(suites: [])
        let path = try written(report)
        validate(path)
        XCTAssertEqual(try elements(parse(path), "/testsuites/*").count, 0)
        XCTAssertTrue(report.xml().hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>"))
    }

    func testBlankNamesClassnamesHostnamesAndPropertyNamesGetFallbacks() throws {
        var suite = SuiteResult(
            name: " \n\t\u{1B}[0m ", file: "scenarios/odd one.json", classname: " ", timestamp: Self.start,
            properties: [
                (name: "  ", value: "dropped"), (name: "\u{1B}[1m", value: "dropped"), (name: "kept", value: "v"),
            ])
        suite.tests = [TestResult(name: "", outcome: .passed)]
        let path = try written(JUnitReport(suites: [suite], hostname: " "))
        validate(path)

        let document = try parse(path)
        let element = try XCTUnwrap(try elements(document, "//testsuite").first)
        XCTAssertEqual(
            attributes(element, ["name", "package", "hostname"]),
            ["scenarios/odd one.json", "scenarios.odd one", "localhost"])
        XCTAssertEqual(
            try elements(document, "//property").map { $0.attribute(forName: "name")?.stringValue }, ["kept"])
        XCTAssertEqual(try elements(document, "//testcase").first?.attribute(forName: "name")?.stringValue, "test 1")

        let nameless = SuiteResult(name: "", file: "", classname: "", timestamp: Self.start)
        let second = try written(JUnitReport(suites: [nameless]), as: "nameless.xml")
        validate(second)
        XCTAssertEqual(
            attributes(try XCTUnwrap(try elements(parse(second), "//testsuite").first), ["name", "package"]),
            ["unnamed suite", "unnamed_suite"])
    }

    // MARK: - Numbers and dates

    func testTimesHaveThreeDecimalsAndNoExponentWhateverTheDuration() throws {
        let durations: [TimeInterval] = [0.000_005, -1, .nan, .infinity, 1234.5678, 0]
        let tests = durations.map { TestResult(name: "t\($0)", duration: $0, outcome: .passed) }
        let suite = SuiteResult(
            name: "times", file: "t.json", classname: "t", timestamp: Self.start, duration: 0.000_005, tests: tests)
        let path = try written(JUnitReport(suites: [suite]))
        validate(path)

        let document = try parse(path)
        let times = try elements(document, "//testcase").compactMap { $0.attribute(forName: "time")?.stringValue }
        XCTAssertEqual(times, ["0.000", "0.000", "0.000", "0.000", "1234.568", "0.000"])
        let suiteTime = try XCTUnwrap(
            try elements(document, "//testsuite").first?.attribute(forName: "time")?.stringValue)
        XCTAssertNotNil(suiteTime.range(of: #"^[0-9]+\.[0-9]{3}$"#, options: .regularExpression), suiteTime)
    }

    func testTimestampIsUTCWithoutZoneOrFraction() throws {
        let moments = [Self.start.addingTimeInterval(0.789), Date(timeIntervalSince1970: .nan), Date.distantPast]
        let suites = moments.map { SuiteResult(name: "s", file: "s.json", classname: "s", timestamp: $0) }
        let path = try written(JUnitReport(suites: suites))
        validate(path)
        let stamps = try elements(parse(path), "//testsuite").compactMap {
            $0.attribute(forName: "timestamp")?.stringValue
        }
        XCTAssertEqual(stamps.first, "2024-03-05T07:08:09")
        XCTAssertEqual(stamps.count, 3)
        for stamp in stamps {
            XCTAssertNotNil(
                stamp.range(
                    of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"#, options: .regularExpression), stamp
            )
        }
    }

    // MARK: - Hostile text

    func testHostileTextIsEscapedAndReadsBackAsWritten() throws {
        let path = try written(JUnitReport(suites: [Self.hostileSuite()]))
        validate(path)
        let document = try parse(path)

        let failure = try XCTUnwrap(try elements(document, "//failure").first)
        XCTAssertEqual(
            failure.attribute(forName: "message")?.stringValue,
            "step 1 <find> & \"quotes\" 'single' ]]> red\u{FFFD} \u{FFFD}\u{FFFD} 🚀 second line")
        XCTAssertEqual(
            failure.stringValue, "expected: {\"a\": \"<b>\"}\r\nactual: ]]> & \u{FFFD}\u{FFFD} 👩‍👩‍👧\n\tindented\n\ngreen")
        let error = try XCTUnwrap(try elements(document, "//error").first)
        XCTAssertEqual(
            error.attribute(forName: "type")?.stringValue, "error", "a blank type falls back to the element's name")
        XCTAssertEqual(
            try elements(document, "//testcase").first?.attribute(forName: "name")?.stringValue, #"<tag> & "q" 'a' ]]>"#
        )
        let property = try XCTUnwrap(try elements(document, "//property").first)
        XCTAssertEqual(property.attribute(forName: "value")?.stringValue, "tab\there\nnew line\rreturn <&>")
        XCTAssertEqual(try elements(document, "//system-err").first?.stringValue, "err ]]> \u{FFFD} done")

        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains("]]>"), "]]> must not appear in content or attributes")
        XCTAssertFalse(
            text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{0}" || $0 == "\u{7}" || $0 == "\u{FFFE}" })
    }

    func testXMLTextReplacesIllegalCharactersAndRemovesANSIEscapes() {
        XCTAssertEqual(
            XMLText.legal("a\u{0}b\u{1B}[31mred\u{1B}[0m\u{7}\u{FFFE}\u{FFFF}\u{1B}]0;title\u{7}\t\n\r\u{1B}"),
            "a\u{FFFD}bred\u{FFFD}\u{FFFD}\u{FFFD}\t\n\r\u{FFFD}")
        XCTAssertEqual(XMLText.legal("plain é 🚀"), "plain é 🚀")
        XCTAssertEqual(XMLText.content("a]]>b & <c> \"'\r\n"), "a]]&gt;b &amp; &lt;c&gt; &quot;&apos;&#13;\n")
        XCTAssertEqual(XMLText.attribute("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d")
        XCTAssertEqual(XMLText.oneLine("  first \n\n second\r\nthird  "), "first second third")
        XCTAssertEqual(XMLText.oneLine(String(repeating: "x", count: 600)).count, 500)
    }

    /// Escaping reads bytes: seeded random texts of markup characters, white space,
    /// accents, combining marks, emoji and line separators come out as escaping them
    /// character by character does, in content and in attributes.
    func testEscapingByBytesAgreesWithEscapingByCharacter() {
        func byCharacter(_ text: String, _ whiteSpace: Bool) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                case "\r": out += "&#13;"
                case "\t" where whiteSpace: out += "&#9;"
                case "\n" where whiteSpace: out += "&#10;"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        let pieces = ["&", "<", ">", "\"", "'", "\r", "\t", "\n", " ", "é", "e\u{301}", "🚀", "\u{2028}", "]]>", "ü", "&amp;", "\u{7F}"]
        var random = LoaderFuzzTests.Generator(state: 20_261_208)
        for round in 0..<3_000 {
            let text = (0..<random.below(24)).map { _ in pieces[random.below(pieces.count)] }.joined()
            XCTAssertEqual(XMLText.content(text), byCharacter(XMLText.legal(text), false), "round \(round): \(text.debugDescription)")
            XCTAssertEqual(XMLText.attribute(text), byCharacter(XMLText.legal(text), true), "round \(round): \(text.debugDescription)")
        }
        let long = String(repeating: "{\"sku\": \"sku-1\"}, ", count: 2_000)
        XCTAssertEqual(XMLText.attribute(long), byCharacter(long, true))
        XCTAssertEqual(XMLText.content("plain é 🚀"), "plain é 🚀")
    }

    // MARK: - Long output

    func testLongOutputKeepsItsHeadAndTail() throws {
        let middle = String(repeating: "middle line of a chatty log\n", count: 40_000)
        let output = "HEAD-MARKER\n" + middle + "TAIL-MARKER"
        var suite = Self.mixedSuite()
        suite.systemOut = output
        suite.tests[1].outcome = .failed(TestProblem(type: "mismatch", message: "m", details: output))
        suite.tests[1].output = ""
        let path = try written(JUnitReport(suites: [suite]))
        validate(path)

        let document = try parse(path)
        for text in [
            try elements(document, "//testsuite/system-out").first?.stringValue,
            try elements(document, "//failure").first?.stringValue,
        ] {
            let kept = try XCTUnwrap(text)
            XCTAssertTrue(kept.hasPrefix("HEAD-MARKER"))
            XCTAssertTrue(kept.hasSuffix("TAIL-MARKER"))
            XCTAssertLessThan(kept.utf8.count, 66 * 1024)
            XCTAssertNotNil(kept.range(of: #"\n… [0-9]+ bytes omitted …\n"#, options: .regularExpression))
        }
    }

    func testHeadAndTailCutsOnCharacterBoundariesAndCountsWhatItDrops() {
        let text = String(repeating: "é", count: 100)  // 2 bytes each
        XCTAssertEqual(text.headAndTail(headBytes: 5, tailBytes: 5), "éé\n… 192 bytes omitted …\néé")
        let family = String(repeating: "👩‍👩‍👧", count: 10)  // 18 bytes each
        XCTAssertEqual(family.headAndTail(headBytes: 20, tailBytes: 40), "👩‍👩‍👧\n… 126 bytes omitted …\n👩‍👩‍👧👩‍👩‍👧")
        XCTAssertEqual("short".headAndTail(headBytes: 2, tailBytes: 3), "short")
    }

    // MARK: - Writing

    func testWritingCreatesDirectoriesAndReplacesAnExistingFileLeavingNoTemporaryFile() throws {
        let path = directory + "/reports/nested/junit.xml"
        let report = JUnitReport(suites: [Self.mixedSuite()])
        try report.write(to: path)
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try report.write(to: path)

        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), report.xml())
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory + "/reports/nested"), ["junit.xml"])
        validate(path)
    }

    func testWritingUnderARegularFileThrowsAnErrorNamingThePath() throws {
        let blocker = directory + "/blocker"
        try "x".write(toFile: blocker, atomically: false, encoding: .utf8)
        let path = blocker + "/reports/junit.xml"

        XCTAssertThrowsError(try JUnitReport(suites: [Self.mixedSuite()]).write(to: path)) { error in
            XCTAssertEqual(error as? JUnitReportError, .cannotWrite(path: path, reason: "Not a directory"))
            XCTAssertEqual(error.localizedDescription, "Cannot write the JUnit report to \(path): Not a directory.")
        }
        XCTAssertEqual(try String(contentsOfFile: blocker, encoding: .utf8), "x")
    }

    func testAFailedRenameRemovesTheTemporaryFile() throws {
        let target = directory + "/junit.xml"
        try FileManager.default.createDirectory(atPath: target + "/occupied", withIntermediateDirectories: true)

        XCTAssertThrowsError(try JUnitReport(suites: [Self.mixedSuite()]).write(to: target)) { error in
            guard case .cannotWrite(let path, let reason)? = error as? JUnitReportError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(path, target)
            XCTAssertFalse(reason.isEmpty)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["junit.xml"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target), ["occupied"])
    }

    func testAReadOnlyDirectoryIsReportedWhenPermissionsApply() throws {
        let readOnly = directory + "/read-only"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: readOnly) }
        let path = readOnly + "/junit.xml"

        if geteuid() == 0 {
            // root ignores the mode bits: the write succeeds, and still leaves only the report.
            try JUnitReport(suites: []).write(to: path)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: readOnly), ["junit.xml"])
        } else {
            XCTAssertThrowsError(try JUnitReport(suites: []).write(to: path)) { error in
                XCTAssertEqual(error as? JUnitReportError, .cannotWrite(path: path, reason: "Permission denied"))
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: readOnly), [])
        }
    }

    // MARK: - Extended mode

    func testExtendedReportsCarryFileLineAndEachTestsOutput() throws {
        let suite = Self.mixedSuite()
        let extended = try parse(written(JUnitReport(suites: [suite], extended: true), as: "extended.xml"))
        let cases = try elements(extended, "//testcase")
        XCTAssertEqual(
            cases.map { $0.attribute(forName: "file")?.stringValue },
            Array(repeating: "scenarios/billing.json", count: 5))
        XCTAssertEqual(cases.map { $0.attribute(forName: "line")?.stringValue }, ["12", "20", nil, "40", "50"])
        XCTAssertEqual(childNames(cases[1]), ["failure", "system-out"])
        XCTAssertEqual(cases[1].elements(forName: "system-out").first?.stringValue, "sent find {\"_id\": 1}")
        XCTAssertEqual(cases[1].elements(forName: "failure").first?.stringValue, "path $.total: expected 3, got 4")

        let strict = try parse(written(JUnitReport(suites: [suite]), as: "strict.xml"))
        let strictCases = try elements(strict, "//testcase")
        XCTAssertTrue(
            strictCases.allSatisfy { $0.attribute(forName: "file") == nil && $0.attribute(forName: "line") == nil })
        XCTAssertEqual(try elements(strict, "//testcase/system-out").count, 0)
        XCTAssertEqual(
            strictCases[1].elements(forName: "failure").first?.stringValue,
            "path $.total: expected 3, got 4\n\nsent find {\"_id\": 1}",
            "a strict report keeps a failing test's log in the failure body")
    }

    func testCurrentHostnameIsNeverBlank() {
        XCTAssertFalse(JUnitReport.currentHostname.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        XCTAssertEqual(JUnitReport(suites: []).hostname, JUnitReport.currentHostname)
    }

    // MARK: - Fixtures

    private static func mixedSuite() -> SuiteResult {
        SuiteResult(
            name: "billing", file: "scenarios/billing.json", classname: "scenarios.billing", timestamp: start,
            duration: 1.5,
            properties: [(name: "server.version", value: "7.0.2"), (name: "uri", value: "mongodb://u:***@h/")],
            tests: [
                TestResult(name: "creates an invoice", line: 12, duration: 0.25, outcome: .passed, output: "ok"),
                TestResult(
                    name: "totals the lines", line: 20, duration: 0.5,
                    outcome: .failed(
                        TestProblem(
                            type: "mismatch", message: "step 2: $.total differs",
                            details: "path $.total: expected 3, got 4")),
                    output: "sent find {\"_id\": 1}"),
                TestResult(
                    name: "survives a lost connection", duration: 0.1,
                    outcome: .errored(
                        TestProblem(type: "networkError", message: "connection reset", details: "socket closed"))),
                TestResult(name: "needs 8.0", line: 40, outcome: .skipped(reason: "requires server 8.0\nthis is 7.0")),
                TestResult(name: "not ready", line: 50, outcome: .skipped(reason: "")),
            ],
            systemOut: "suite log", systemErr: "")
    }

    private static func hostileSuite() -> SuiteResult {
        SuiteResult(
            name: "<suite> & \"q\" 'a' ]]> 🚀", file: "scenarios/hostile.json", classname: "scenarios.hostile",
            timestamp: start, duration: 0.000_005,
            properties: [(name: "vars<&>", value: "tab\there\nnew line\rreturn <&>")],
            tests: [
                TestResult(
                    name: #"<tag> & "q" 'a' ]]>"#,
                    outcome: .failed(
                        TestProblem(
                            type: "mismatch",
                            message:
                                "step 1 <find> & \"quotes\" 'single' ]]> \u{1B}[31mred\u{1B}[0m\u{0} \u{7}\u{FFFE} 🚀\n  second line\n",
                            details: "expected: {\"a\": \"<b>\"}\r\nactual: ]]> & \u{0}\u{FFFF} 👩‍👩‍👧\n\tindented")),
                    output: "\u{1B}[32mgreen\u{1B}[0m"),
                TestResult(name: "errs\u{0}", outcome: .errored(TestProblem(type: " ", message: "", details: ""))),
            ],
            systemOut: "out <&> \u{1B}[1mbold", systemErr: "err ]]> \u{8} done")
    }

    private static func emptySuite() -> SuiteResult {
        SuiteResult(name: "empty", file: "scenarios/empty.json", classname: "scenarios.empty", timestamp: start)
    }

    // MARK: - Helpers

    private func written(_ report: JUnitReport, as name: String = "junit.xml") throws -> String {
        let path = directory + "/" + name
        try report.write(to: path)
        return path
    }

    private func validate(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        JUnitCases.validate(path, file: file, line: line)
    }

    private func parse(_ path: String) throws -> XMLDocument {
        try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [.nodePreserveWhitespace])
    }

    private func elements(_ document: XMLDocument, _ xpath: String) throws -> [XMLElement] {
        try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    /// The names of an element's child elements, text and white space left out.
    private func childNames(_ element: XMLElement) -> [String] {
        (element.children ?? []).compactMap { ($0 as? XMLElement)?.name }
    }

    private func attributes(_ element: XMLElement, _ names: [String]) -> [String?] {
        names.map { element.attribute(forName: $0)?.stringValue }
    }
}
