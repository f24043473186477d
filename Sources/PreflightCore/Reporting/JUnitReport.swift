import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The JUnit XML report: one `<testsuite>` per scenario file (or compat spec, migration,
/// gate section), one `<testcase>` per test.
///
/// There is no JUnit standard, only what CI servers accept. By default the report
/// validates against both schemas they hold files to (Ant's `JUnit.xsd` and Jenkins
/// xUnit's `junit-10.xsd`, kept in `Tests/PreflightCoreTests/Fixtures/junit/`): elements in the order and number
/// `JUnit.xsd` demands, every required attribute present and non-empty, `time` with three
/// decimals and no exponent, the timestamp without zone or fraction.
///
/// `extended` adds `file` and `line` on each `<testcase>` and the test's own
/// `<system-out>`. GitLab, CircleCI and GitHub annotators read them, but neither schema
/// allows them: an extended report does **not** validate, which is why it is opt-in.
///
/// The report writes the text it is given: credentials are redacted where results are
/// made (URIs through `URIRedaction`), not here. All text passes through `XMLText`.
public struct JUnitReport: Sendable {
    public var suites: [SuiteResult]
    public var extended: Bool
    /// The `hostname` of every suite; `localhost` when empty.
    public var hostname: String

    public init(suites: [SuiteResult], extended: Bool = false, hostname: String = JUnitReport.currentHostname) {
        self.suites = suites
        self.extended = extended
        self.hostname = hostname
    }

    /// The whole document, UTF-8 text with an XML declaration.
    public func xml() -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        for (id, suite) in suites.enumerated() {
            appendSuite(suite, id: id, to: &xml)
        }
        xml += "</testsuites>\n"
        return xml
    }

    /// This machine's name, without a DNS lookup (which can hang in a container with no
    /// resolver); `localhost`, as `JUnit.xsd` asks, when it cannot be had.
    public static var currentHostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = XMLText.token(
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        return name.isEmpty ? "localhost" : name
    }

    private func appendSuite(_ suite: SuiteResult, id: Int, to xml: inout String) {
        let name = Self.suiteName(suite)
        let classname = Self.classname(suite, name: name)
        let host = XMLText.token(hostname)
        xml += "  <testsuite"
        xml += attribute("name", name) + attribute("package", classname) + attribute("id", String(id))
        xml += attribute("tests", String(suite.tests.count)) + attribute("failures", String(suite.failures))
        xml += attribute("errors", String(suite.errors)) + attribute("skipped", String(suite.skipped))
        xml += attribute("time", Self.seconds(suite.duration)) + attribute("timestamp", Self.timestamp(suite.timestamp))
        xml += attribute("hostname", host.isEmpty ? "localhost" : host) + ">\n"

        let properties = suite.properties.filter { !XMLText.token($0.name).isEmpty }
        if properties.isEmpty {
            xml += "    <properties/>\n"
        } else {
            xml += "    <properties>\n"
            for property in properties {
                xml +=
                    "      <property" + attribute("name", XMLText.token(property.name))
                    + attribute("value", property.value) + "/>\n"
            }
            xml += "    </properties>\n"
        }
        for (index, test) in suite.tests.enumerated() {
            appendTest(test, number: index + 1, suite: suite, classname: classname, to: &xml)
        }
        xml += "    " + element("system-out", suite.systemOut) + "\n"
        xml += "    " + element("system-err", suite.systemErr) + "\n"
        xml += "  </testsuite>\n"
    }

    private func appendTest(
        _ test: TestResult, number: Int, suite: SuiteResult, classname: String, to xml: inout String
    ) {
        let name = XMLText.token(test.name)
        xml += "    <testcase" + attribute("name", name.isEmpty ? "test \(number)" : name)
        xml += attribute("classname", classname) + attribute("time", Self.seconds(test.duration))
        if extended {
            xml += attribute("file", suite.file)
            if let line = test.line { xml += attribute("line", String(line)) }
        }
        // The strict report has nowhere else for a failing test's log (the commands it
        // sent), so it follows the details in the body; extended reports give it its own element.
        // Read only for a failure: a passing test's log is made only for reports that show it.
        // The runner puts a failing test's log in its details already: said once.
        func log(_ problem: TestProblem) -> String {
            extended || test.output.isEmpty || problem.details.contains(SuiteRunner.logLabel) ? "" : "\n\n" + test.output
        }
        var children: [String] = []
        switch test.outcome {
        case .passed:
            break
        case .failed(let problem):
            children.append(problemElement("failure", problem, defaultType: "failure", log: log(problem)))
        case .errored(let problem):
            children.append(problemElement("error", problem, defaultType: "error", log: log(problem)))
        case .skipped(let reason):
            children.append("<skipped" + attribute("message", XMLText.oneLine(XMLText.legal(reason))) + "/>")
        }
        if extended && !test.output.isEmpty { children.append(element("system-out", test.output)) }
        if children.isEmpty {
            xml += "/>\n"
        } else {
            xml += ">\n" + children.map { "      " + $0 + "\n" }.joined() + "    </testcase>\n"
        }
    }

    private func problemElement(_ tag: String, _ problem: TestProblem, defaultType: String, log: String) -> String {
        let type = XMLText.token(problem.type)
        let message = XMLText.oneLine(XMLText.legal(problem.message))
        return "<\(tag)" + attribute("type", type.isEmpty ? defaultType : type) + attribute("message", message) + ">"
            + XMLText.content((problem.details + log).headAndTail()) + "</\(tag)>"
    }

    /// ` name="value"`, escaped.
    private func attribute(_ name: String, _ value: String) -> String {
        " \(name)=\"\(XMLText.attribute(value))\""
    }

    /// An element holding long text: kept to its head and tail, escaped.
    private func element(_ tag: String, _ text: String) -> String {
        text.isEmpty ? "<\(tag)/>" : "<\(tag)>" + XMLText.content(text.headAndTail()) + "</\(tag)>"
    }
}
