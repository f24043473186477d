extension Migration {
    /// The migration as the step runner and the console see a scenario: its name, file,
    /// logical database and variables, in sandbox mode, with no tests of its own.
    var scenario: Scenario {
        Scenario(
            file: file, name: name, description: description, tags: [], requires: Requirements(), database: database,
            mode: .sandbox, vars: vars, fixtures: fixtures, procedures: [:], checks: [:], tests: [])
    }
}
