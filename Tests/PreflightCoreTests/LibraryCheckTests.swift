import Foundation
import XCTest

@testable import PreflightCore

/// `preflight check lib/`: a library is validated on its own, as an including scenario
/// would read it, its variables being each procedure's `params` and what it saves.
final class LibraryCheckTests: FolderTestCase {
    func testALibrarysStepsAreValidatedWithoutAScenario() throws {
        try folder.write("lib/shop.json", #"""
            {"preflight": 1, "library": "shop",
             "procedures": {"reserve": {"params": ["sku"], "steps": [
                {"updateOne": "stock", "filter": {"sku": {"$$var": "sku"}}, "update": {"$inc": {"left": -1}}},
                {"find": "stock", "filter": {"$$bogus": 1}},
                {"insertOne": "reservations", "document": {"sku": {"$$var": "skuu"}}}]}},
             "checks": {"noNegative": {"find": "stock", "filter": {"left": {"$lt": 0}}, "expct": []}}}
            """#)
        let run = try PreflightProcess.run(["check", folder.path + "/lib"])
        XCTAssertEqual(run.status, 2, run.transcript)
        for fragment in [
            "shop.json:4:34: procedures.reserve.steps[1].filter.$$bogus: unknown operator `$$bogus`",
            "shop.json:5:56: procedures.reserve.steps[2].document.sku.$$var: unknown variable `skuu`; did you mean `sku`?",
            "checks.noNegative.expct: unknown key `expct` for `find`; did you mean `expect`?",
        ] {
            XCTAssertTrue(run.standardError.contains(fragment), "missing: \(fragment)\n\(run.transcript)")
        }
    }

    func testAValidLibraryPassesAndIsReportedOnce() throws {
        try folder.write("lib/shop.json", #"""
            {"preflight": 1, "library": "shop",
             "procedures": {"reserve": {"params": ["sku"], "steps": [
                {"find": "stock", "filter": {"sku": {"$$var": "sku"}}, "save": "found"},
                {"forEach": "found", "as": "item", "steps": [{"insertOne": "reservations", "document": {"sku": {"$$var": "item.sku"}}}]}]}}}
            """#)
        let run = try PreflightProcess.run(["check", folder.path + "/lib"])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("shop.json: library"), run.transcript)
    }
}
