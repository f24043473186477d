import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// SourceMap: where each key and array element of a JSON text starts, by JSON path, so a
/// structural error found on the parsed value still points at its line and column.
/// Lines and columns count from 1; columns count characters (Unicode scalars), not bytes.
/// Every expected position was counted on the text itself.
final class SourceMapTests: XCTestCase {

    private func map(_ text: String) -> SourceMap {
        SourceMap(Array(text.utf8))
    }

    /// `a.b[0][1].c` as a JSONPath (keys here hold no `.` or `[`).
    private func path(_ text: String) -> JSONPath {
        var path = JSONPath.root
        for part in text.split(separator: ".") {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket != rest.startIndex { path = path.key(String(rest[..<bracket])) }
                rest = rest[bracket...]
                while let open = rest.firstIndex(of: "["), let close = rest.firstIndex(of: "]") {
                    path = path.index(Int(rest[rest.index(after: open)..<close]) ?? -1)
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                path = path.key(String(rest))
            }
        }
        return path
    }

    /// `LINE:COL` of each path, or "nil".
    private func locations(_ text: String, _ paths: [String]) -> [String] {
        let sourceMap = map(text)
        return paths.map { at(sourceMap, path($0)) }
    }

    private func at(_ sourceMap: SourceMap, _ path: JSONPath) -> String {
        sourceMap.location(of: path).map { "\($0.line):\($0.column)" } ?? "nil"
    }

    func testPathParserBuildsWhatTheLoaderBuilds() {
        XCTAssertEqual(path("tests[0].steps[1].filter"), JSONPath.root.key("tests").index(0).key("steps").index(1).key("filter"))
        XCTAssertEqual(path("[1][0]"), JSONPath.root.index(1).index(0))
    }

    func testKeysAndArrayElementsOverSeveralLines() {
        let text = """
            {
              "a": 1,
              "b": {"c": [10, 20, {"d": true}]},
              "e": [
                "x",
                {"f": null}
              ]
            }
            """
        XCTAssertEqual(
            locations(text, ["a", "b", "b.c", "b.c[0]", "b.c[1]", "b.c[2]", "b.c[2].d", "e", "e[0]", "e[1]", "e[1].f"]),
            ["2:3", "3:3", "3:9", "3:15", "3:19", "3:23", "3:24", "4:3", "5:5", "6:5", "6:6"])
    }

    /// Brackets, braces, commas, colons and escaped quotes inside strings are text, not structure.
    func testStringsWithBracketsCommasAndEscapedQuotes() {
        let text = #"{"s": "a [b], {c}: d", "t": "say \"hi\", [x]", "u": ["]", "\\", "\"", 1], "v": 2}"#
        XCTAssertEqual(
            locations(text, ["s", "t", "u", "u[0]", "u[1]", "u[2]", "u[3]", "v"]),
            ["1:2", "1:24", "1:48", "1:54", "1:59", "1:65", "1:71", "1:75"])
    }

    /// Keys that hold an escaped quote or backslash are found by their decoded text.
    func testKeysWithEscapedQuotesAndBackslashes() {
        let text = #"{"a\"b": 1, "c\\": 2, "d": [3]}"#
        let sourceMap = map(text)
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("a\"b")), "1:2")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("c\\")), "1:13")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("d")), "1:23")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("d").index(0)), "1:29")
    }

    /// A key is found by the text libbson decoded, whichever escapes spelled it:
    /// `"caf\u00e9"` is the key `café`, `"a\nb"` holds a line feed.
    func testKeysWrittenWithUnicodeAndControlEscapes() {
        let text = #"{"x": 1, "caf\u00e9": {"y": 2}, "a\nb": 3}"#
        let sourceMap = map(text)
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("café")), "1:10")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("café").key("y")), "1:24")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("a\nb")), "1:33")
    }

    /// Multi-byte characters (2, 3 and 4 bytes in UTF-8) are one column each.
    func testNonASCIITextCountsCharactersNotBytes() {
        let text = #"{"café": "naïve 😀 日本", "k": [1, "ü"], "😀": {"z": 3}}"#
        let sourceMap = map(text)
        XCTAssertEqual(at(sourceMap, path("café")), "1:2")
        XCTAssertEqual(at(sourceMap, path("k")), "1:24")
        XCTAssertEqual(at(sourceMap, path("k[0]")), "1:30")
        XCTAssertEqual(at(sourceMap, path("k[1]")), "1:33")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("😀")), "1:39")
        XCTAssertEqual(at(sourceMap, JSONPath.root.key("😀").key("z")), "1:45")
    }

    /// On a later line, only that line's characters count.
    func testNonASCIIOnAnEarlierLineDoesNotShiftLaterColumns() {
        let text = "{\"日本語\": \"😀😀😀\",\n \"b\": [\"ü\", 2]}"
        XCTAssertEqual(locations(text, ["日本語", "b", "b[0]", "b[1]"]), ["1:2", "2:2", "2:8", "2:13"])
    }

    /// A byte order mark is invisible in an editor: columns start after it.
    func testByteOrderMarkIsNotAColumn() {
        XCTAssertEqual(locations("\u{FEFF}{\"a\": 1, \"b\": [2]}", ["a", "b", "b[0]"]), ["1:2", "1:10", "1:16"])
        XCTAssertEqual(locations("\u{FEFF}{\n  \"a\": 1\n}", ["a"]), ["2:3"])
    }

    func testNestedArrays() {
        let text = "[[1, 2], [3, [4, 5]], []]"
        XCTAssertEqual(
            locations(text, ["[0]", "[0][0]", "[0][1]", "[1]", "[1][0]", "[1][1]", "[1][1][0]", "[1][1][1]", "[2]"]),
            ["1:2", "1:3", "1:6", "1:10", "1:11", "1:14", "1:15", "1:18", "1:23"])
        let inObject = #"{"m": [[{"k": 1}], [[{"k": 2}]]]}"#
        XCTAssertEqual(
            locations(inObject, ["m", "m[0]", "m[0][0]", "m[0][0].k", "m[1]", "m[1][0]", "m[1][0][0]", "m[1][0][0].k"]),
            ["1:2", "1:8", "1:9", "1:10", "1:20", "1:21", "1:22", "1:23"])
    }

    /// true, false, null, numbers, empty strings and empty containers each start one element.
    func testEveryKindOfElement() {
        let text = #"{"n": [-1.5e3, true, false, null, 0, "", {}, []], "after": 1}"#
        XCTAssertEqual(
            locations(text, ["n[0]", "n[1]", "n[2]", "n[3]", "n[4]", "n[5]", "n[6]", "n[7]", "after"]),
            ["1:8", "1:16", "1:22", "1:29", "1:35", "1:38", "1:42", "1:46", "1:51"])
    }

    func testTheSameKeyAtDifferentDepthsIsTwoPaths() {
        let text = #"{"x": {"x": 1}, "y": [{"x": 2}]}"#
        XCTAssertEqual(locations(text, ["x", "x.x", "y", "y[0]", "y[0].x"]), ["1:2", "1:8", "1:17", "1:23", "1:24"])
    }

    func testTabsAndCRLF() {
        XCTAssertEqual(locations("{\t\"a\":\t[\tnull,\tfalse],\t\"b\": 1}", ["a", "a[0]", "a[1]", "b"]), ["1:3", "1:10", "1:16", "1:24"])
        let crlf = "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    true\r\n  ]\r\n}"
        XCTAssertEqual(locations(crlf, ["a", "b", "b[0]"]), ["2:3", "3:3", "4:5"])
    }

    /// A path not in the text (a key reported missing, a value deeper than recorded) is
    /// located at its nearest ancestor that is.
    func testAMissingPathFallsBackToItsNearestAncestor() {
        let text = """
            {
              "tests": [
                {"name": "t", "steps": [{"find": "orders"}]}
              ]
            }
            """
        let sourceMap = map(text)
        XCTAssertEqual(at(sourceMap, path("tests[0].steps[0].filter")), "3:29")
        XCTAssertEqual(at(sourceMap, path("tests[0].skip")), "3:5")
        XCTAssertEqual(at(sourceMap, path("tests[3]")), "2:3")
    }

    /// Deeper than the recorded depth, a key is located at its deepest recorded ancestor.
    func testKeysDeeperThanTheRecordedDepthUseTheirDeepestRecordedAncestor() {
        // l1 … l12, one per line: l_k's key is on line k + 1.
        var text = "{\n"
        for level in 1...12 { text += String(repeating: " ", count: level) + "\"l\(level)\": " + (level == 12 ? "1" : "{") + "\n" }
        text += String(repeating: "}", count: 12)
        let sourceMap = map(text)
        var deep = JSONPath.root
        var positions: [String] = []
        for level in 1...12 {
            deep = deep.key("l\(level)")
            positions.append(at(sourceMap, deep))
        }
        XCTAssertEqual(Array(positions.prefix(10)), (1...10).map { "\($0 + 1):\($0 + 1)" })
        XCTAssertEqual(positions[10], positions[9])
        XCTAssertEqual(positions[11], positions[9])
    }

    /// The whole document is located at its opening brace, so an error about the file's
    /// top-level object (a missing required key) still has a line and column.
    func testTheTopLevelObjectIsLocatedAtItsOpeningBrace() {
        let sourceMap = map("\n  {\"a\": 1}")
        XCTAssertEqual(at(sourceMap, .root), "2:3")
        XCTAssertEqual(at(sourceMap, path("missing")), "2:3")
        XCTAssertEqual(at(map("{\"a\": 1}"), .root), "1:1")
    }

    /// A text the reader found free of repeated keys is scanned without looking for them
    /// (`keysAreDistinct`): every path of every scenario file of the repository is still
    /// located where the full scan locates it.
    func testSkippingTheSearchForRepeatedKeysLocatesEveryPathTheSame() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
        var compared = 0
        for file in files {
            compared += try compareFullAndQuickScans(Array(try Data(contentsOf: root.appendingPathComponent(file))), file)
        }
        XCTAssertGreaterThan(compared, 2_000, "too few paths compared")
    }

    /// The quick scan steps over what lies deeper than the paths it records without
    /// reading it: on one line, after strings holding brackets, quotes, escapes and
    /// characters of two to four bytes, and nested past the deep table's ten levels, it
    /// still counts the columns the full scan counts.
    func testTheQuickScanCountsColumnsPastWhatItSkips() throws {
        let deep = String(repeating: "[", count: 12) + "1" + String(repeating: "]", count: 12)
        let texts = [
            #"{"tests":[{"name":"a [b] {c}","steps":[{"find":"c","filter":{"s":"q\"]}\\","t":"é€😀"}}]},{"name":"x"}],"n":1}"#,
            #"{"tests":[{"steps":[{"insertOne":"c","document":{"_id":1,"v":[1,[2,{"k":"]"}]]}}]},"é😀",{"a":{"b":"\u00e9}"}}],"#
                + #""after":[{"x":"y"},"z"],"deep":"# + deep + #","last":{"a":[1,2]}}"#,
            "{\n  \"tests\": [\n    {\"steps\": [{\"find\": \"c\",\n      \"filter\": {\"a\": \"€\"}}]},\n    {\"name\": \"😀\"}\n  ],\n  \"end\": " + deep + "\n}",
            // What follows a skipped container on the line where it closes, after lines of its own.
            "{\"tests\": [{\"steps\": [\n  {\"find\": \"é\"},\n  {\"find\": \"x\"}\n]}, {\"name\": \"😀\"}, {\"a\": {\"b\": [1,\n2]}}, 3], \"n\": 1}",
        ]
        for (index, text) in texts.enumerated() {
            XCTAssertGreaterThan(try compareFullAndQuickScans(Array(text.utf8), "text \(index)"), 10, text)
        }
    }

    /// Compares where the full scan and the quick one (`keysAreDistinct`) locate every path
    /// of `bytes`, and returns how many paths were compared.
    private func compareFullAndQuickScans(_ bytes: [UInt8], _ name: String) throws -> Int {
        guard let (value, distinct) = try? ExtendedJSON.parseValueNotingKeys(bytes), distinct else { return 0 }
        let full = SourceMap(bytes), quick = SourceMap(bytes, keysAreDistinct: true)
        XCTAssertTrue(full.duplicateKeys.isEmpty && quick.duplicateKeys.isEmpty, name)
        var compared = 0
        func visit(_ value: BSON, _ path: JSONPath) {
            let (a, b) = (full.location(of: path), quick.location(of: path))
            XCTAssertTrue(a?.line == b?.line && a?.column == b?.column, "\(name): \(path): \(String(describing: a)) against \(String(describing: b))")
            compared += 1
            switch value {
            case .document(let document): for (key, element) in document { visit(element, path.key(key)) }
            case .array(let elements): for (index, element) in elements.enumerated() { visit(element, path.index(index)) }
            default: break
            }
        }
        visit(value, .root)
        return compared
    }

    /// A key written twice deep in a file is located at its first writing, the one a
    /// lookup of the parsed document finds, and the second is reported as the repeat.
    func testADeepKeyWrittenTwiceIsLocatedAtItsFirstWriting() {
        let map = map("{\"tests\": [{\"steps\": [{\"find\": \"c\", \"filter\": {\n\"a\": 1,\n\"a\": 2}}]}]}")
        XCTAssertEqual(map.location(of: path("tests[0].steps[0].filter.a")).map { "\($0.line):\($0.column)" }, "2:1")
        XCTAssertEqual(map.duplicateKeys.map { "\($0.path) \($0.line):\($0.column)" }, ["tests[0].steps[0].filter.a 3:1"])
    }
}
