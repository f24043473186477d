import ArgumentParser
import PreflightCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate scenario files offline; no server needed.",
        discussion: """
            Reads every scenario file (folders are searched recursively for *.json), the \
            libraries it includes and its fixture files, and reports every problem: malformed \
            JSON as FILE:LINE:COLUMN, structural problems with the JSON path \
            (tests[2].steps[0].filter) and the nearest known name for a misspelt key, action, \
            Preflight operator ($$var, $$type, …), variable or procedure. MongoDB's own query \
            and update operators are the server's to check, when the file runs. This is the \
            same validation `preflight run` does \
            before it sends anything.

            Compat specs and migrations are validated too, as `preflight compat` and \
            `preflight migrate verify` read them. Other JSON in a scenario folder is \
            recognised and left alone: fixture data (JSON arrays) and JSON Schemas. Checklists \
            are validated with every file they name, as `preflight gate` reads them.

            A file that starts programs or sends requests (`exec`, `http`, `services`) is \
            listed with each of them, so a reviewer sees what running it would do.

            Exits 0 when every file is valid, 2 when any is not, 64 on bad usage.
            """)

    @OptionGroup var scenarioOptions: ScenarioOptions

    func run() throws {
        let catalog = try scenarioOptions.catalog()
        KeptUntilExit.keep(catalog)
        guard catalog.errors.isEmpty else { throw ScenarioOptions.invalid(catalog, then: "Preflight refuses these files until they are fixed") }
        let declared = catalog.scenarios.reduce(into: Set<String>()) { $0.formUnion($1.declaredVars) }
        if let problem = VariableOverrides.problem(scenarioOptions.variableNames, declared: declared) {
            throw CommandFailure.exit(problem, .usage)
        }
        if let missing = scenarioOptions.missingExactTest(in: catalog) {
            throw CommandFailure.exit(missing, .usage)
        }
        if scenarioOptions.list {
            let selection = TestSelection(exact: scenarioOptions.exactTests).select(catalog.scenarios)
            ScenarioOptions.listing(selection).forEach { print($0) }
            return
        }
        for scenario in catalog.scenarios {
            print("✓ \(scenario.file): \(scenario.tests.count) test\(scenario.tests.count == 1 ? "" : "s") (\(scenario.mode.rawValue))")
            // What running the file would start and send, before anyone runs it.
            for line in scenario.programsRun { print("    runs \(line)") }
        }
        for library in catalog.libraries { print("✓ \(library): library") }
        for spec in catalog.compatSpecs {
            print("✓ \(spec.file): compat spec, \(spec.checkCount) check\(spec.checkCount == 1 ? "" : "s") on \(spec.collection)")
        }
        for other in catalog.otherFiles where other.kind == "migration" { print("✓ \(other.file): migration") }
        for other in catalog.otherFiles where other.kind == "checklist" { print("✓ \(other.file): checklist, and every file it names") }
        for other in catalog.otherFiles where !["compat spec", "migration", "checklist"].contains(other.kind) {
            print("· \(other.file): \(other.kind), not a scenario")
        }
        print(Self.summary(catalog))
    }

    /// `2 scenario files valid, 3 tests; 1 library, 1 compat spec and 1 migration valid.`:
    /// every kind of file that was checked is counted, so a folder of compat specs does not
    /// read as `0 scenario files valid`.
    static func summary(_ catalog: ScenarioCatalog) -> String {
        func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }
        let tests = catalog.scenarios.reduce(0) { $0 + $1.tests.count }
        let kinds = { (kind: String) in catalog.otherFiles.filter { $0.kind == kind }.count }
        let others = [
            (catalog.libraries.count, "library", "libraries"), (catalog.compatSpecs.count, "compat spec", "compat specs"),
            (kinds("migration"), "migration", "migrations"), (kinds("checklist"), "checklist", "checklists"),
        ].filter { $0.0 > 0 }.map { count($0.0, $0.1, $0.2) }
        let listed = others.listed("and")
        let scenarios = count(catalog.scenarios.count, "scenario file", "scenario files") + " valid, " + count(tests, "test", "tests")
        if others.isEmpty { return scenarios + "." }
        if catalog.scenarios.isEmpty { return listed + " valid." }
        return scenarios + "; " + listed + " valid."
    }
}
