import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// What the loader refuses so that a scenario cannot reach outside its sandbox or the
/// run's own connections (the README, “Scenario files (sandboxes)” and “Scenario files” and “Running (redaction)”, and README "Where this build reads the
/// design more strictly"): each broken file is held to the exact `file:LINE:COL: path:
/// message` it must produce. Offline: no server.
///
/// Line and column of every expected error were worked out from the case's text (a key's
/// error points at the key's opening quote, an array element's at its first character).
final class SafetyLoaderTests: LoaderCorpusTestCase {
    // MARK: - Commands: an allow-list

    /// The commands a sandbox scenario may send. Pinned: a command added here must be one
    /// that stays inside the database it is sent to.
    static let allowedCommands =
        "aggregate, buildInfo, buildinfo, collMod, collStats, count, create, createIndexes, dbStats, delete, distinct, drop, "
        + "dropDatabase, dropIndexes, explain, find, findAndModify, findandmodify, getMore, hello, insert, isMaster, ismaster, "
        + "killCursors, listCollections, listIndexes, ping, serverStatus, update, validate"

    static func outsideTheSandbox(_ command: String) -> String {
        #"the command ""# + command + #"" may reach outside the sandbox, so a scenario cannot send it; allowed: "# + allowedCommands
    }

    func testCommandsThatReachOutsideTheSandboxAreRejected() throws {
        assertCorpus([
            Broken(
                name: "mapReduce (can write its output to another database)",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"command": {"mapReduce": "orders", "map": "function() {}", "reduce": "function() {}", "out": {"replace": "x", "db": "prod"}}}
                     ]}]}
                    """#,
                errors: ["scenario.json:3:5: tests[0].steps[0].command: " + Self.outsideTheSandbox("mapReduce")]),
            Broken(
                name: "applyOps (writes any namespace)",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"command": {"applyOps": [{"op": "i", "ns": "prod.orders", "o": {"_id": 1}}]}}
                     ]}]}
                    """#,
                errors: ["scenario.json:3:5: tests[0].steps[0].command: " + Self.outsideTheSandbox("applyOps")]),
            Broken(
                name: "createUser (writes admin.system.users)",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"command": {"createUser": "mallory", "pwd": "x", "roles": ["root"]}}
                     ]}]}
                    """#,
                errors: ["scenario.json:3:5: tests[0].steps[0].command: " + Self.outsideTheSandbox("createUser")]),
            Broken(
                name: "killAllSessions (every client's sessions)",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"command": {"killAllSessions": []}}
                     ]}]}
                    """#,
                errors: ["scenario.json:3:5: tests[0].steps[0].command: " + Self.outsideTheSandbox("killAllSessions")]),
            Broken(
                name: "a forbidden command inside a transaction and a procedure is found too",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "procedures": {"p": {"steps": [{"command": {"applyOps": []}}]}},
                     "tests": [{"name": "t", "steps": [
                       {"transaction": [{"command": {"killAllSessions": []}}]}
                     ]}]}
                    """#,
                errors: [
                    "scenario.json:2:34: procedures.p.steps[0].command: " + Self.outsideTheSandbox("applyOps"),
                    "scenario.json:4:22: tests[0].steps[0].transaction[0].command: " + Self.outsideTheSandbox("killAllSessions"),
                ]),
        ])
    }

    /// The allowed commands load: the allow-list is not a deny-all.
    func testCommandsThatStayInTheSandboxLoad() throws {
        let scenario = try load(#"""
            {"preflight": 1, "name": "s", "database": "earlybird",
             "tests": [{"name": "t", "steps": [
               {"command": {"insert": "orders", "documents": [{"_id": 1}]}},
               {"command": {"update": "orders", "updates": [{"q": {"_id": 1}, "u": {"$set": {"a": 1}}}]}},
               {"command": {"findAndModify": "orders", "query": {"_id": 1}, "update": {"$set": {"b": 1}}}},
               {"command": {"createIndexes": "orders", "indexes": [{"key": {"a": 1}, "name": "a_1"}]}},
               {"command": {"aggregate": "orders", "pipeline": [{"$out": "copy"}], "cursor": {}}},
               {"command": {"aggregate": "orders", "pipeline": [{"$out": {"db": "earlybird", "coll": "copy2"}}], "cursor": {}}},
               {"command": {"ping": 1}, "on": "admin"},
               {"command": {"delete": "orders", "deletes": [{"q": {}, "limit": 0}]}}
             ]}]}
            """#)
        XCTAssertEqual(scenario.tests.first?.steps.count, 8)
    }

    // MARK: - $out / $merge

    func testOutAndMergeIntoAnotherDatabaseAreRejected() throws {
        assertCorpus([
            Broken(
                name: "$out into another database",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"aggregate": "orders", "pipeline": [{"$match": {}}, {"$out": {"db": "earlybird_prod", "coll": "x"}}]}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:57: tests[0].steps[0].pipeline[1]: "$out" into database "earlybird_prod" would write outside the scenario's sandbox"#]),
            Broken(
                name: "$merge into another database",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"aggregate": "orders", "pipeline": [{"$merge": {"into": {"db": "admin", "coll": "x"}}}]}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:41: tests[0].steps[0].pipeline[0]: "$merge" into database "admin" would write outside the scenario's sandbox"#]),
            Broken(
                name: "$out through a command's pipeline",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"command": {"aggregate": "orders", "pipeline": [{"$out": {"db": "prod", "coll": "x"}}], "cursor": {}}}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:53: tests[0].steps[0].command.pipeline[0]: "$out" into database "prod" would write outside the scenario's sandbox"#]),
            Broken(
                name: "$merge into the default database name when the scenario names another",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird",
                     "tests": [{"name": "t", "steps": [
                       {"aggregate": "orders", "pipeline": [{"$merge": {"into": {"db": "preflight", "coll": "x"}}}]}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:41: tests[0].steps[0].pipeline[0]: "$merge" into database "preflight" would write outside the scenario's sandbox"#]),
        ])
    }

    /// A variable could name any database, and `$db` would override where a command goes:
    /// neither can be checked at load time, so neither is allowed.
    func testTargetsThatCannotBeCheckedAreRejected() throws {
        assertCorpus([
            Broken(
                name: "$out into a database held in a variable",
                text: #"""
                    {"preflight": 1, "name": "s", "database": "earlybird", "vars": {"target": "victim"},
                     "tests": [{"name": "t", "steps": [
                       {"aggregate": "orders", "pipeline": [{"$out": {"db": {"$$var": "target"}, "coll": "x"}}]}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:41: tests[0].steps[0].pipeline[0]: the database of "$out" must be written out as "earlybird" (the sandbox), not computed"#]),
            Broken(
                name: "$db inside a command",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [
                       {"command": {"insert": "x", "documents": [{"_id": 1}], "$db": "victim"}}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:59: tests[0].steps[0].command.$db: a command cannot carry `$db`: Preflight sends it to the sandbox, or with `on` to admin"#]),
            Broken(
                name: "a fail point other than failCommand",
                text: #"""
                    {"preflight": 1, "name": "s", "requires": {"failPoints": true},
                     "tests": [{"name": "t", "steps": [
                       {"failPoint": {"configureFailPoint": "maxTimeAlwaysTimeOut", "mode": "alwaysOn"}}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:19: tests[0].steps[0].failPoint.configureFailPoint: only the `failCommand` fail point can be set: Preflight limits it to its own connections, and any other would act on every client of the server"#]),
        ])
    }

    // MARK: - The scenario's database

    func testTheServersOwnDatabasesCannotBeTheScenariosDatabase() throws {
        var cases: [Broken] = []
        for name in ["admin", "local", "config"] {
            cases.append(Broken(
                name: "database \(name)",
                text: #"{"preflight": 1, "name": "s", "database": ""# + name + #"", "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}"#,
                errors: ["scenario.json:1:31: database: \"\(name)\" is one of the server's own databases; scenarios name the application's database"]))
        }
        assertCorpus(cases)
        // A name that merely starts like one is an application's.
        XCTAssertEqual(
            try load(#"{"preflight": 1, "name": "s", "database": "administration", "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}"#)
                .database, "administration")
    }

    // MARK: - Fail points

    func testAFailPointCannotNameAnAppName() throws {
        assertCorpus([
            Broken(
                name: "failPoint with data.appName",
                text: #"""
                    {"preflight": 1, "name": "s", "requires": {"failPoints": true},
                     "tests": [{"name": "t", "steps": [
                       {"failPoint": {"configureFailPoint": "failCommand", "mode": "alwaysOn",
                                      "data": {"failCommands": ["insert"], "errorCode": 2, "appName": "earlybird-api"}}}
                     ]}]}
                    """#,
                errors: [#"scenario.json:4:72: tests[0].steps[0].failPoint.data.appName: Preflight limits a fail point to its own connections and sets "appName" itself; another app name could fail a real application's commands"#]),
        ])
    }

    // MARK: - timeoutMS

    func testTimeoutMSIsRejectedWhereMaxTimeMSCannotCarryIt() throws {
        let message = "`timeoutMS` is sent as the server's maxTimeMS, which only find, aggregate, count, estimatedDocumentCount, distinct, findOneAndUpdate, findOneAndReplace, findOneAndDelete and command steps take"
        assertCorpus([
            Broken(
                name: "timeoutMS on insertOne, updateOne, bulkWrite",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [
                       {"insertOne": "orders", "document": {"_id": 1}, "timeoutMS": 100},
                       {"updateOne": "orders", "filter": {}, "update": {"$set": {"a": 1}}, "timeoutMS": 100},
                       {"bulkWrite": "orders", "requests": [{"insertOne": {"document": {}}}], "timeoutMS": 100}
                     ]}]}
                    """#,
                errors: [
                    "scenario.json:3:52: tests[0].steps[0].timeoutMS: " + message,
                    "scenario.json:4:72: tests[0].steps[1].timeoutMS: " + message,
                    "scenario.json:5:75: tests[0].steps[2].timeoutMS: " + message,
                ]),
        ])
    }

    func testTimeoutMSLoadsOnReadsAndCommands() throws {
        let scenario = try load(#"""
            {"preflight": 1, "name": "s",
             "tests": [{"name": "t", "steps": [
               {"find": "orders", "timeoutMS": 100},
               {"aggregate": "orders", "pipeline": [], "timeoutMS": 200},
               {"count": "orders", "timeoutMS": 300},
               {"distinct": "orders", "key": "status", "timeoutMS": 400},
               {"command": {"ping": 1}, "timeoutMS": 500}
             ]}]}
            """#)
        let timeouts = (scenario.tests.first?.steps ?? []).map { step -> Int? in
            if case .operation(let operation) = step.kind { return operation.timeoutMS }
            return nil
        }
        XCTAssertEqual(timeouts, [100, 200, 300, 400, 500])
    }

    // MARK: - A scenario is never mistaken for a JSON Schema

    /// A file with `preflight` and `tests` is a scenario even with a `$schema` key (which
    /// points an editor at the schema): it is loaded and run, never skipped as "JSON
    /// Schema" — a skipped scenario would be a gate that silently checks nothing. A real
    /// JSON Schema beside it is still set aside.
    func testAScenarioWithASchemaKeyIsValidatedNotSkipped() throws {
        let folder = try folder([
            "billing.json": #"""
                {"$schema": "../schema/scenario.schema.json", "preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            "schema/scenario.schema.json": #"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}"#,
        ])
        let catalog = ScenarioCatalog.load([folder], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])
        XCTAssertEqual(catalog.scenarios.map(\.name), ["s"])
        XCTAssertFalse(catalog.otherFiles.contains { $0.file.hasSuffix("billing.json") }, "the scenario was skipped: \(catalog.otherFiles)")
        XCTAssertEqual(catalog.otherFiles.map(\.file), [folder + "/schema/scenario.schema.json"])
        XCTAssertEqual(catalog.otherFiles.map(\.kind), ["JSON Schema"])
    }

    // MARK: - fixtures

    /// Two fixture documents with one `_id` (numbers by value, as the server's index
    /// compares them) are refused before anything is sent, where the second stands: in the
    /// file by its line (blank lines counted), inline by its path. One still to be
    /// substituted is not known yet, and is left to the server.
    func testAFixtureThatRepeatsAnIDIsRefusedWhereTheSecondStands() throws {
        let again = "is also the _id of the document"
        assertCorpus([
            Broken(
                name: "repeated _id",
                text: #"{"preflight": 1, "name": "s", "fixtures": {"a": [{"_id": 1}, {"_id": 1.0}], "b": {"file": "b.ndjson"}, "c": [{"_id": {"$$newObjectId": {}}}, {"_id": {"$$newObjectId": {}}}], "d": [{"_id": "\u00e9"}, {"_id": "e\u0301"}]}, "tests": [{"name": "t", "steps": [{"find": "a"}]}]}"#,
                files: ["b.ndjson": "{\"_id\": \"x\"}\n\n{\"_id\": \"y\"}\n{\"_id\": \"x\"}\n"],
                errors: [
                    #"scenario.json:1:62: fixtures.a[1]: _id 1.0 \#(again) at [0]: the server would refuse this one; give each document its own _id"#,
                    #"b.ndjson:4:1: _id "x" \#(again) on line 1: the server would refuse this one; give each document its own _id"#,
                ]),
        ])
    }

    // MARK: - names

    /// A name is printed as written in every report, the console and `--list`, and
    /// selects its test: one holding a password is refused where it stands, not masked in
    /// some places and printed in others. A connection string without one is a name.
    func testANameHoldingAPasswordIsRefused() throws {
        let masked = #"a name is printed in every report and must not hold a password: it reads "%@" with it masked; write it without one"#
        assertCorpus([
            Broken(
                name: "a password in names",
                text: #"{"preflight": 1, "name": "shop at mongodb://app:S3cret@db/shop", "tests": [{"name": "as mongodb+srv://u:pw@h", "steps": [{"find": "o"}]}]}"#,
                errors: [
                    "scenario.json:1:18: name: " + masked.replacingOccurrences(of: "%@", with: "shop at mongodb://app:***@db/shop"),
                    "scenario.json:1:77: tests[0].name: " + masked.replacingOccurrences(of: "%@", with: "as mongodb+srv://u:***@h"),
                ]),
            // A step's label and a tag are printed as written too (`--json`, `--list`).
            Broken(
                name: "a password in a label and in tags",
                text: #"{"preflight": 1, "name": "s", "tags": ["mongodb://t:T4g@h"], "tests": [{"name": "t", "tags": ["ok", "mongodb://u:U5@h"], "steps": [{"name": "at mongodb://l:L6@h", "find": "o"}]}]}"#,
                errors: [
                    "scenario.json:1:40: tags[0]: a tag is printed in every report and must not hold a password: it reads \"mongodb://t:***@h\" with it masked; write it without one",
                    "scenario.json:1:133: tests[0].steps[0].name: " + masked.replacingOccurrences(of: "%@", with: "at mongodb://l:***@h"),
                    "scenario.json:1:101: tests[0].tags[1]: a tag is printed in every report and must not hold a password: it reads \"mongodb://u:***@h\" with it masked; write it without one",
                ]),
        ])
        // A connection string without a password is a name, and so are words about secrets.
        let plain = try load(#"{"preflight": 1, "name": "reads mongodb://db/shop", "tests": [{"name": "user, password: empty is refused", "steps": [{"find": "o"}]}]}"#)
        XCTAssertEqual(plain.name, "reads mongodb://db/shop")
        XCTAssertEqual(plain.tests.map(\.name), ["user, password: empty is refused"])
    }

    // MARK: - parallel

    /// Every branch holds a pooled connection: more than 64 could never all get one.
    func testSixtyFiveParallelBranchesAreRejectedAndSixtyFourLoad() throws {
        func text(_ count: Int) -> String {
            let branches = Array(repeating: #"[{"find": "orders"}]"#, count: count).joined(separator: ", ")
            return #"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"parallel": ["# + branches + "]}]}]}"
        }
        assertCorpus([
            Broken(
                name: "65 branches", text: text(65),
                errors: ["scenario.json:1:66: tests[0].steps[0].parallel: at most 64 branches run at once, got 65"])
        ])
        let scenario = try load(text(64))
        guard case .parallel(let branches)? = scenario.tests.first?.steps.first?.kind else {
            return XCTFail("not a parallel step")
        }
        XCTAssertEqual(branches.count, 64)
    }

    /// A stage or a pipeline taken from a variable could write anywhere, even from a live
    /// file (`--var stage='{"$out": "orders"}'`): refused, as are writes inside `explain`
    /// and `$$now` offsets that cannot make a date.
    func testWhatCannotBeCheckedBeforeRunningIsRefused() throws {
        assertCorpus([
            Broken(
                name: "a stage from a variable in a live file",
                text: #"""
                    {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird", "vars": {"stage": {"$out": "pwned"}},
                     "tests": [{"name": "t", "steps": [{"aggregate": "orders", "pipeline": [{"$match": {}}, {"$$var": "stage"}], "expect": []}]}]}
                    """#,
                errors: [#"scenario.json:2:89: tests[0].steps[0].pipeline[1]: a pipeline stage cannot come from `$$var`: where a pipeline writes is checked before anything runs, so stages are written out"#]),
            Broken(
                name: "a command's pipeline from a variable",
                text: #"""
                    {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird", "vars": {"p": []},
                     "tests": [{"name": "t", "steps": [{"command": {"aggregate": "orders", "pipeline": {"$$var": "p"}, "cursor": {}}}]}]}
                    """#,
                errors: [
                    #"scenario.json:2:37: tests[0].steps[0].command: the command "aggregate" may write, and a live scenario may only read; read-only commands: aggregate, buildInfo, buildinfo, collStats, count, dbStats, distinct, find, hello, isMaster, ismaster, listCollections, listIndexes, ping, serverStatus"#,
                    #"scenario.json:2:72: tests[0].steps[0].command.pipeline: expected the pipeline as a JSON array of stages, got {"$$var":"p"} (document)"#,
                ]),
            Broken(
                name: "an explained pipeline that writes",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [{"command": {"explain": {"aggregate": "o", "pipeline": [{"$out": "x"}], "cursor": {}}}}]}]}
                    """#,
                errors: [#"scenario.json:2:79: tests[0].steps[0].command.explain.pipeline: an explained pipeline must not write ($out, $merge) or come from a variable"#]),
            Broken(
                name: "a $$now offset that is not finite",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [{"find": "o", "filter": {"at": {"$lt": {"$$now": {"offsetSeconds": {"$numberDouble": "NaN"}}}}}}]}]}
                    """#,
                errors: [#"scenario.json:2:76: tests[0].steps[0].filter.at.$lt.$$now: expected {} or {"offsetSeconds": a number of seconds within ±100000000000}, got {"offsetSeconds":{"$numberDouble":"NaN"}} (document)"#]),
            Broken(
                name: "a $$now offset past any date",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [{"find": "o", "filter": {"at": {"$$now": {"offsetSeconds": 1e300}}}}]}]}
                    """#,
                errors: [#"scenario.json:2:68: tests[0].steps[0].filter.at.$$now: expected {} or {"offsetSeconds": a number of seconds within ±100000000000}, got {"offsetSeconds":1e+300} (document)"#]),
        ])
    }
}
