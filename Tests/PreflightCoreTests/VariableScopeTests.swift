import Dispatch
import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Variables at run time (the README, “Scenario files”): scopes that see their parents and keep their own
/// saves, dotted paths into saved results, and the `$$var` / `$$now` / `$$newObjectId`
/// substitutions made just before a step runs.
final class VariableScopeTests: XCTestCase {

    private let order: BSON = [
        "_id": "o-1",
        "items": [["sku": "A-1", "qty": 2], ["sku": "B-2", "qty": 1]],
        "total": 100,
    ]

    /// The failure `body` throws, or nil (after a test failure) when it does not throw.
    private func failure<T>(
        _ body: () throws(RunFailure) -> T, file: StaticString = #filePath, line: UInt = #line
    ) -> RunFailure? {
        do {
            let value = try body()
            XCTFail("expected a failure, got \(value)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Scopes

    func testAChildSeesItsParentsVariables() {
        let root = VariableScope(values: ["month": "2026-01"])
        let child = root.child()
        let grandchild = child.child(["element": 1])
        XCTAssertEqual(child.value("month"), "2026-01")
        XCTAssertEqual(grandchild.value("month"), "2026-01")
        XCTAssertEqual(grandchild.value("element"), 1)
        XCTAssertNil(root.value("element"))
    }

    func testWhatAChildSavesStaysInTheChild() {
        let root = VariableScope(values: ["month": "2026-01"])
        let child = root.child()
        child.set("claimed", [1, 2])
        XCTAssertEqual(child.value("claimed"), [1, 2])
        XCTAssertNil(root.value("claimed"))
        // A sibling (another parallel branch) does not see it either.
        XCTAssertNil(root.child().value("claimed"))
    }

    func testAChildsSaveShadowsItsParentWithoutChangingIt() {
        let root = VariableScope(values: ["month": "2026-01"])
        let child = root.child()
        child.set("month", "2026-02")
        XCTAssertEqual(child.value("month"), "2026-02")
        XCTAssertEqual(root.value("month"), "2026-01")
    }

    /// A variable saved in the scope itself (a transaction or repeat shares its scope) is
    /// seen by the children made afterwards, and later saves replace earlier ones.
    func testSavesInTheScopeItselfAreSeenByItsChildren() {
        let root = VariableScope()
        let child = root.child()
        root.set("n", 1)
        XCTAssertEqual(child.value("n"), 1, "a child reads its parent when asked, not a copy")
        root.set("n", 2)
        XCTAssertEqual(root.value("n"), 2)
        XCTAssertEqual(child.value("n"), 2)
    }

    /// Branches of a `parallel` step save into their own scopes at the same time.
    func testSiblingScopesSaveConcurrently() {
        let root = VariableScope(values: ["shared": "yes"])
        let branches = (0..<8).map { _ in root.child() }
        DispatchQueue.concurrentPerform(iterations: branches.count) { index in
            for step in 0..<200 {
                branches[index].set("result", .int32(Int32(index * 1000 + step)))
                _ = branches[index].value("shared")
            }
        }
        for (index, branch) in branches.enumerated() {
            XCTAssertEqual(branch.value("result"), .int32(Int32(index * 1000 + 199)))
            XCTAssertEqual(branch.value("shared"), "yes")
        }
        XCTAssertNil(root.value("result"))
    }

    // MARK: - Dotted paths

    func testDottedPathsIntoDocumentsAndArrays() throws {
        let scope = VariableScope(values: ["order": order, "ids": ["a", "b", "c"]])
        XCTAssertEqual(try scope.resolve("order"), order)
        XCTAssertEqual(try scope.resolve("order.total"), 100)
        XCTAssertEqual(try scope.resolve("order.items.0.sku"), "A-1")
        XCTAssertEqual(try scope.resolve("order.items.1.qty"), 1)
        XCTAssertEqual(try scope.resolve("order.items.1"), ["sku": "B-2", "qty": 1])
        XCTAssertEqual(try scope.resolve("ids.2"), "c")
    }

    /// A dot followed by a combining mark is another character, not a separator: paths
    /// are split by character, as names are read everywhere else (`v.a.\u{301}b` is the
    /// key `a.\u{301}b` of `v`).
    func testADotWithACombiningMarkDoesNotSplitAPath() throws {
        let scope = VariableScope(values: ["v": ["a.\u{301}b": 1, "a": ["\u{301}b": 2, "c": 3]]])
        XCTAssertEqual(try scope.resolve("v.a.\u{301}b"), 1)
        XCTAssertEqual(try scope.resolve("v.a.c"), 3)
    }

    func testDottedPathsResolveThroughAParentScope() throws {
        let child = VariableScope(values: ["order": order]).child(["i": 0])
        XCTAssertEqual(try child.resolve("order.items.0.sku"), "A-1")
    }

    func testAVariableWithNoValueIsAClearError() {
        let scope = VariableScope(values: ["order": order])
        guard let failure = failure({ () throws(RunFailure) in try scope.resolve("claimed.0._id") }) else { return }
        guard case .errored(let problem) = failure else { return XCTFail("\(failure)") }
        XCTAssertEqual(problem.type, "variable")
        XCTAssertEqual(problem.message, #"the variable "claimed" has no value here (was the step that saves it skipped?)"#)
    }

    func testAMissingPathIsAClearError() {
        let scope = VariableScope(values: ["order": order])
        let value = #"{"_id":"o-1","items":[{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}],"total":100}"#
        let cases: [(reference: String, missing: String)] = [
            ("order.items.5.sku", "items.5.sku"),  // past the end of the array
            ("order.items.first.sku", "items.first.sku"),  // not an index
            ("order.total.cents", "total.cents"),  // through a number
            ("order.customer", "customer"),  // no such key
            ("order.items.-1", "items.-1"),
        ]
        for (reference, missing) in cases {
            guard let failure = failure({ () throws(RunFailure) in try scope.resolve(reference) }) else { continue }
            guard case .errored(let problem) = failure else {
                XCTFail("\(reference): \(failure)")
                continue
            }
            XCTAssertEqual(problem.type, "variable", reference)
            XCTAssertEqual(problem.message, #"the variable "order" has no ""# + missing + #"": its value is "# + value, reference)
        }
    }

    // MARK: - Substitution

    func testVariablesAreSubstitutedWhereverTheyAppear() throws {
        let scope = VariableScope(values: ["order": order, "month": "2026-01"]).child()
        let arguments: BSON = [
            "filter": ["_id": ["$$var": "order._id"], "month": ["$$var": "month"]],
            "update": ["$set": ["sku": ["$$var": "order.items.0.sku"], "lines": [["$$var": "order.items.1.qty"], 7]]],
        ]
        let expected: BSON = [
            "filter": ["_id": "o-1", "month": "2026-01"],
            "update": ["$set": ["sku": "A-1", "lines": [1, 7]]],
        ]
        let substituted = try Substitution.apply(arguments, scope)
        XCTAssertEqual(substituted, expected)
        // Key order is kept: it matters for sort specs and commands.
        XCTAssertEqual(substituted.documentValue?["filter"]?.documentValue?.keys, ["_id", "month"])
        // A whole document substituted keeps its own key order too.
        XCTAssertEqual(try Substitution.apply(["o": ["$$var": "order"]], scope).documentValue?["o"]?.documentValue?.keys, ["_id", "items", "total"])
    }

    func testMatchOperatorsAndOrdinaryOperatorsAreLeftAlone() throws {
        let value: BSON = ["billed_at": ["$$type": "date"], "n": ["$gt": 1], "tags": ["$$unordered": ["a", "b"]]]
        XCTAssertEqual(try Substitution.apply(value, VariableScope()), value)
    }

    func testSubstitutingAnUnknownVariableFails() {
        let scope = VariableScope(values: ["order": order])
        guard let failure = failure({ () throws(RunFailure) in try Substitution.apply(["f": ["x": ["$$var": "order.items.9"]]], scope) })
        else { return }
        XCTAssertTrue(failure.problem.message.hasPrefix(#"the variable "order" has no "items.9""#), failure.problem.message)
    }

    private func milliseconds(_ value: BSON) -> Int64? {
        if case .datetime(let milliseconds) = value { return milliseconds }
        return nil
    }

    /// `$$now` is the current time as a BSON date, shifted by `offsetSeconds` when given.
    private func assertNow(
        _ argument: BSON, isShiftedBy seconds: Double, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let before = Date().timeIntervalSince1970
        let value = try Substitution.apply(["at": ["$$now": argument]], VariableScope())
        let after = Date().timeIntervalSince1970
        guard let at = value.documentValue?["at"], let got = milliseconds(at) else {
            return XCTFail("$$now gave \(value)", file: file, line: line)
        }
        let low = Int64(((before + seconds) * 1000).rounded(.down)) - 1
        let high = Int64(((after + seconds) * 1000).rounded(.up)) + 1
        XCTAssertTrue(
            (low...high).contains(got),
            "\(argument): \(got) ms is not within \(low)...\(high) (now shifted by \(seconds) s)", file: file, line: line)
    }

    func testNowIsTheCurrentTime() throws {
        try assertNow([:], isShiftedBy: 0)
    }

    func testNowWithOffsetSeconds() throws {
        try assertNow(["offsetSeconds": -86400], isShiftedBy: -86400)
        try assertNow(["offsetSeconds": 90], isShiftedBy: 90)
        try assertNow(["offsetSeconds": 1.5], isShiftedBy: 1.5)
        try assertNow(["offsetSeconds": .int64(3_600)], isShiftedBy: 3_600)
    }

    /// The loader accepts any number for `offsetSeconds` (a Decimal128 included, as
    /// `{"$numberDecimal": "-3600"}` reads); the substitution must then honour it.
    func testNowWithADecimalOffsetIsShifted() throws {
        let argument = try ExtendedJSON.parseDocument(#"{"offsetSeconds": {"$numberDecimal": "-3600"}}"#)
        XCTAssertEqual(argument["offsetSeconds"]?.typeAlias, "decimal")
        try assertNow(.document(argument), isShiftedBy: -3600)
    }

    func testNewObjectIdIsFreshEveryTime() throws {
        let scope = VariableScope()
        let template: BSON = ["a": ["$$newObjectId": [:]], "b": [["$$newObjectId": [:]]]]
        var seen: Set<ObjectID> = []
        for _ in 0..<50 {
            let value = try Substitution.apply(template, scope)
            guard case .objectID(let a)? = value.documentValue?["a"], case .objectID(let b)? = value.documentValue?["b"]?.arrayValue?.first
            else { return XCTFail("not ObjectIds: \(value)") }
            XCTAssertNotEqual(a, b, "two occurrences in one step are two ids")
            seen.insert(a)
            seen.insert(b)
        }
        XCTAssertEqual(seen.count, 100, "every id is distinct")
    }
}
