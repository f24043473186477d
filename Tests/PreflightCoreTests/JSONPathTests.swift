import XCTest

@testable import PreflightCore

/// JSONPath: a path made step by step (`key`, `index`) is the same value, with the same
/// hash and text, as one made from its components, whatever it shares with other paths.
final class JSONPathTests: XCTestCase {
    private let components: [JSONPath.Component] = [.key("tests"), .index(2), .key("steps"), .index(0), .key("a.b")]

    func testStepByStepEqualsFromComponents() {
        var path = JSONPath.root
        for component in components {
            switch component {
            case .key(let key): path = path.key(key)
            case .index(let index): path = path.index(index)
            }
        }
        let made = JSONPath(components)
        XCTAssertEqual(path, made)
        XCTAssertEqual(path.hashValue, made.hashValue)
        XCTAssertEqual(path.components, components)
        XCTAssertEqual(path.count, 5)
        XCTAssertEqual(path.description, #"tests[2].steps[0]["a.b"]"#)
        XCTAssertEqual(Set([path, made]).count, 1)
    }

    func testPathsThatDifferAnywhereAreDifferent() {
        let base = JSONPath(components)
        XCTAssertNotEqual(base, JSONPath(Array(components.dropLast())))
        XCTAssertNotEqual(base, JSONPath(Array(components.dropFirst())))
        var changed = components
        changed[1] = .index(3)
        XCTAssertNotEqual(base, JSONPath(changed))
        changed = components
        changed[0] = .key("test")
        XCTAssertNotEqual(base, JSONPath(changed))
        // A key that reads like an index is still a key.
        XCTAssertNotEqual(JSONPath.root.key("0"), JSONPath.root.index(0))
        // Siblings share their beginning, not their end.
        let steps = JSONPath(Array(components.prefix(3)))
        XCTAssertNotEqual(steps.index(0), steps.index(1))
        XCTAssertEqual(steps.index(0), steps.index(0))
    }

    func testParentAndRoot() {
        let path = JSONPath(components)
        XCTAssertEqual(path.parent, JSONPath(Array(components.dropLast())))
        XCTAssertTrue(JSONPath.root.isRoot)
        XCTAssertTrue(JSONPath.root.parent.isRoot)
        XCTAssertFalse(path.isRoot)
        XCTAssertEqual(JSONPath([]), JSONPath.root)
        XCTAssertEqual(JSONPath.root.description, "(top level)")
        XCTAssertEqual(JSONPath.root.key("x").parent, .root)
    }

    func testAsDictionaryKeys() {
        var table: [JSONPath: Int] = [:]
        for index in 0..<100 { table[JSONPath.root.key("tests").index(index)] = index }
        for index in 0..<100 { XCTAssertEqual(table[JSONPath([.key("tests"), .index(index)])], index) }
        XCTAssertNil(table[JSONPath([.key("tests"), .index(100)])])
    }
}
