import Foundation
import XCTest

@testable import PreflightCore

// The terminal is made by util-linux's `script -c`, which macOS's `script` does not take.
#if os(Linux)

/// What a terminal (here a pseudo-terminal made by `script`) gets that a pipe does not: the
/// transient line that says what runs now, drawn over itself, clipped to the width, gone
/// from what stays, never with --quiet; and colour, never with NO_COLOR or --no-color.
final class TerminalTests: ScratchServerTestCase {
    private static let erase = "\r\u{1B}[K"

    /// What a terminal of `columns` columns received from `preflight arguments…`, with
    /// the terminal's `\r\n` read as `\n` (util-linux's `script` makes the terminal).
    private func onTerminal(_ arguments: [String], columns: Int, term: String = "xterm", color: Bool = false) throws -> (status: Int32, output: String) {
        let quoted = ([try ScratchCommandRun.preflightExecutable()] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", "stty cols \(columns) rows 24 && exec " + quoted.joined(separator: " "), "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: Self.packageRoot)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = color ? nil : "1"
        environment["TERM"] = term
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
    }

    /// What a passing command drew on a terminal of `columns` columns, and what stayed, with
    /// no drawing left in it.
    private func drawings(
        of arguments: [String], columns: Int, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (drawn: [String], kept: String, output: String) {
        let terminal = try onTerminal(arguments, columns: columns)
        XCTAssertEqual(terminal.status, 0, terminal.output, file: file, line: line)
        let (drawn, kept) = split(terminal.output)
        XCTAssertFalse(kept.contains("  … "), kept, file: file, line: line)
        return (drawn, kept, terminal.output)
    }

    /// The drawings of the progress line (each erase, then what was drawn up to the next
    /// erase or line end), and the text with them taken out.
    private func split(_ output: String) -> (drawn: [String], kept: String) {
        var drawn: [String] = []
        var kept = ""
        for (index, part) in output.components(separatedBy: Self.erase).enumerated() {
            guard index > 0 else {
                kept += part
                continue
            }
            // What follows an erase up to a newline is the next lasting line, unless it
            // was itself erased: a drawing never ends in a newline.
            if let newline = part.firstIndex(of: "\n") {
                kept += part[..<newline] + "\n" + part[part.index(after: newline)...]
            } else if !part.isEmpty {
                drawn.append(part)
            }
        }
        return (drawn, kept)
    }

    func testTheGateSaysWhatItChecksOnATerminalAndOnlyThere() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let uri = try serverURI(naming: database)
        let arguments = ["gate", GateFixtures.release, "--uri", uri, "--junit", folder.path + "/gate.xml"]
        let columns = 70
        let terminal = try onTerminal(arguments, columns: columns)
        XCTAssertEqual(terminal.status, 0, terminal.output)
        let (drawn, kept) = split(terminal.output)

        // Each stage in its turn, the scenario tests counted (the check that a live file's
        // collections hold documents is the file's own, not a test that starts), the
        // migration's data and each of its checks, then the copy after the migrations, its
        // compat scan and the live tests held to it.
        let shop = GateFixtures.root + "/shop/"
        let checks = (["loading the data"] + MigrationCheck.allCases.map(\.name)).map {
            "  … migrations 0001 default billed: \($0), on a whole copy of orders (3 documents)"
        }
        let expected = [
            "  … compat \(shop)orders-compat.json: scanning \(database).orders",
            "  … scenarios [1/3] an order is marked delivered (mark-delivered.json)",
            "  … scenarios [2/3] at least minOrders orders were placed (live-orders.json)",
            "  … scenarios [3/3] every order has a status (live-orders.json)",
        ] + checks + [
            "  … after the migrations: 0001 default billed on a copy of orders",
            "  … compat \(shop)orders-compat.json: scanning a copy of \(database).orders after the migrations",
            "  … after the migrations: at least minOrders orders were placed (live-orders.json)",
            "  … after the migrations: every order has a status (live-orders.json)",
        ]
        XCTAssertEqual(drawn, expected.map { ProgressLine.fitted($0, columns: columns - 1) }, terminal.output)
        XCTAssertTrue(drawn.allSatisfy { $0.count <= columns - 1 }, "\(drawn.filter { $0.count >= columns })")
        XCTAssertTrue(drawn.contains { $0.hasSuffix("…") }, "a long stage is clipped: \(drawn)")

        // What stays is what a pipe gets: the same lines, with no trace of the drawings.
        let piped = try runBinary(arguments)
        XCTAssertEqual(piped.status, 0, piped.transcript)
        XCTAssertFalse(piped.standardOutput.contains("\u{1B}") || piped.standardOutput.contains("\r"), piped.standardOutput)
        XCTAssertEqual(kept.split(separator: "\n").map(String.init), piped.lines, terminal.output)

        let quiet = try onTerminal(arguments + ["--quiet"], columns: columns)
        XCTAssertEqual(quiet.status, 0, quiet.output)
        XCTAssertFalse(quiet.output.contains("\u{1B}"), quiet.output)
        // A terminal that cannot move its cursor (Emacs' shell) gets the results alone.
        let dumb = try onTerminal(arguments, columns: columns, term: "dumb")
        XCTAssertEqual(dumb.status, 0, dumb.output)
        XCTAssertFalse(dumb.output.contains("\u{1B}") || dumb.output.contains("\r"), dumb.output)
    }

    /// On its own scratch server the gate first loads the snapshot, and says so.
    func testTheGateSaysItLoadsTheSnapshot() throws {
        let (drawn, kept, output) = try drawings(of: ["gate", GateFixtures.serverWarned, "--junit", folder.path + "/gate.xml"], columns: 100)
        XCTAssertEqual(drawn, ["  … loading the snapshot into shop on the scratch server"], output)
        XCTAssertTrue(kept.contains("\n· scratch server loaded with the snapshot: orders 1 document"), kept)
    }

    func testARunCountsItsTestsOnATerminal() throws {
        let file = GateFixtures.root + "/shop/mark-delivered.json"
        let (drawn, kept, output) = try drawings(of: ["run", file, "--uri", try serverURI, "--junit", folder.path + "/run.xml"], columns: 100)
        XCTAssertEqual(drawn, ["  … [1/1] an order is marked delivered"], output)
        XCTAssertTrue(kept.contains("  ✓ an order is marked delivered ("), kept)
        XCTAssertFalse(kept.contains("…"), kept)
    }

    /// `migrate verify` says which of a migration's checks runs, as `run` says which test.
    func testMigrateVerifySaysWhichCheckRuns() throws {
        let migration = GateFixtures.root + "/shop/0001-default-billed.json"
        let (drawn, kept, output) = try drawings(
            of: ["migrate", "verify", migration, "--uri", try serverURI, "--junit", folder.path + "/m.xml"], columns: 120)
        XCTAssertEqual(drawn, (["loading the data"] + MigrationCheck.allCases.map(\.name)).map { "  … " + $0 }, output)
        XCTAssertTrue(kept.contains("  ✓ down restores the snapshot exactly ("), kept)
    }

    /// `compat` says which collection it scans; the spec's checks print when the scan ends.
    func testCompatSaysWhatItScans() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let (drawn, _, output) = try drawings(
            of: ["compat", GateFixtures.compatSpec, "--uri", try serverURI(naming: database), "--junit", folder.path + "/c.xml"], columns: 200)
        XCTAssertEqual(drawn, ["  … \(GateFixtures.compatSpec): scanning \(database).orders"], output)
    }

    /// The gate's marks and verdict in colour on a terminal, as `run`'s are; plain with
    /// --no-color.
    func testTheGateColoursItsMarksAndVerdict() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let arguments = ["gate", GateFixtures.release, "--uri", try serverURI(naming: database), "--junit", folder.path + "/gate.xml"]
        let colored = try onTerminal(arguments, columns: 200, color: true)
        XCTAssertEqual(colored.status, 0, colored.output)
        XCTAssertTrue(colored.output.contains("\n\u{1B}[32m✓\u{1B}[0m server minVersion\n"), colored.output)
        XCTAssertTrue(colored.output.contains("\n\u{1B}[31m?\u{1B}[0m server indexBuilds: ") || colored.output.contains("\n\u{1B}[33m⚠\u{1B}[0m server indexBuilds: "), colored.output)
        XCTAssertTrue(colored.output.contains("\n\u{1B}[1;32mGO — Shop release 2.4: "), colored.output)
        let plain = try onTerminal(arguments + ["--no-color"], columns: 200, color: true)
        XCTAssertEqual(plain.status, 0, plain.output)
        XCTAssertFalse(plain.output.contains("\u{1B}[3") || plain.output.contains("\u{1B}[1;"), plain.output)
        // A terminal that shows escapes as text gets none, colour included.
        let dumb = try onTerminal(arguments, columns: 200, term: "dumb", color: true)
        XCTAssertEqual(dumb.status, 0, dumb.output)
        XCTAssertFalse(dumb.output.contains("\u{1B}"), dumb.output)
    }
}

#endif
