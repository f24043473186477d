import Foundation
import XCTest

@testable import Mongo

/// `FastJSONReader` must read every text it takes exactly as the full path (libbson's
/// reader with the strictness scan and the `$type` escape) reads it, and take nothing the
/// full path refuses. Checked over every JSON file of the repository, over mutated copies
/// of them, and over the edges written out below; each check also counts what the fast
/// reader took, so a reader that declined everything could not pass.
final class FastJSONReaderTests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `.json` file and `.jsonl` line, and every tenth line of the `.ndjson` snapshots
    /// (thousands of documents of a few shapes), outside build products.
    private static func corpus() throws -> [(name: String, bytes: [UInt8])] {
        var texts: [(String, [UInt8])] = []
        let skipped: Set<String> = [".build", ".venv", ".git", "dist", "reports"]
        let files = FileManager.default.enumerator(at: repository, includingPropertiesForKeys: [.isDirectoryKey])
        while let url = files?.nextObject() as? URL {
            if skipped.contains(url.lastPathComponent) || url.lastPathComponent.hasPrefix(".build") {
                files?.skipDescendants()
                continue
            }
            let name = String(url.path.dropFirst(repository.path.count + 1))
            switch url.pathExtension {
            case "json":
                texts.append((name, Array(try Data(contentsOf: url))))
            case "jsonl", "ndjson":
                let lines = try Data(contentsOf: url).split(separator: UInt8(ascii: "\n"))
                let step = url.pathExtension == "ndjson" ? 10 : 1
                for (number, line) in lines.enumerated() where number % step == 0 {
                    texts.append(("\(name):\(number + 1)", Array(line)))
                }
            default:
                continue
            }
        }
        return texts
    }

    /// What the full path makes of `bytes`, or nil when it refuses them.
    private func full(_ bytes: [UInt8]) -> BSON? {
        try? ExtendedJSON.parseValueFully(bytes)
    }

    func testEveryFileOfTheRepositoryIsReadAsTheFullPathReadsIt() throws {
        let corpus = try Self.corpus()
        XCTAssertGreaterThan(corpus.count, 100, "the repository's JSON files were not found")
        var taken = 0
        var bytesTaken = 0
        for (name, bytes) in corpus {
            guard let fast = FastJSONReader.value(bytes) else { continue }
            taken += 1
            bytesTaken += bytes.count
            guard let full = full(bytes) else {
                XCTFail("\(name): the fast reader took a text the full path refuses")
                continue
            }
            XCTAssertTrue(same(fast, full), "\(name): read differently\n  fast: \(describe(fast))\n  full: \(describe(full))")
        }
        // The files are plain JSON with the common wrappers: nearly all must take the fast path.
        XCTAssertGreaterThan(Double(taken), Double(corpus.count) * 0.8, "the fast reader took \(taken) of \(corpus.count) texts")
        XCTAssertGreaterThan(bytesTaken, 200_000, "the fast reader read only \(bytesTaken) bytes of the corpus")
    }

    func testMutatedFilesAreReadAsTheFullPathReadsThemOrDeclined() throws {
        // Small files and every 100th snapshot line, many mutants each, each read by both paths.
        let corpus = try Self.corpus().enumerated()
            .filter { $0.element.bytes.count < 3_000 && (!$0.element.name.contains(".ndjson:") || $0.offset % 10 == 0) }
            .map(\.element).sorted { $0.name < $1.name }
        XCTAssertGreaterThan(corpus.count, 50)
        var generator = SeededGenerator(seed: 0x5eed)
        var taken = 0
        var refusedByBoth = 0
        var total = 0
        for (name, bytes) in corpus {
            for _ in 0..<40 {
                let mutant = mutate(bytes, &generator)
                total += 1
                let fast = FastJSONReader.value(mutant)
                let full = full(mutant)
                switch (fast, full) {
                case (let fast?, let full?):
                    taken += 1
                    if !same(fast, full) {
                        XCTFail("\(name) mutated: read differently\n  text: \(String(decoding: mutant, as: UTF8.self))\n  fast: \(describe(fast))\n  full: \(describe(full))")
                    }
                case (_?, nil):
                    XCTFail("\(name) mutated: the fast reader took a text the full path refuses:\n\(String(decoding: mutant, as: UTF8.self))")
                case (nil, nil):
                    refusedByBoth += 1
                case (nil, _?):
                    break
                }
            }
        }
        XCTAssertGreaterThan(taken, total / 4, "too few mutants were read by the fast reader: \(taken) of \(total)")
        XCTAssertGreaterThan(refusedByBoth, total / 20, "too few mutants were broken: \(refusedByBoth) of \(total)")
    }

    /// The forms at the edge of what the fast reader takes, each checked against the full path.
    func testEdgesAreReadAsTheFullPathReadsThemOrDeclined() {
        let taken = [
            #"{"a": 2147483647, "b": -2147483648, "c": 2147483648, "d": -2147483649}"#,
            #"{"a": 9223372036854775807, "b": -9223372036854775808, "c": 0, "d": -1}"#,
            #"{"a": 1.5, "b": -0.0, "c": 1e5, "d": 1E-5, "e": 2.5e+10, "f": 0.1}"#,
            #"{"s": "tab\tnew\nline \"q\" \\ \/ \u00e9 \ud83d\ude00 \b\f\r", "é": "ünïcödé ✓"}"#,
            #"{"a": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "b": {"$oid": "65A1B2C3D4E5F60718293A4B"}}"#,
            #"{"a": {"$date": "2026-01-27T20:00:00Z"}, "b": {"$date": "2024-02-29T23:59:59.999Z"}}"#,
            #"{"a": {"$date": "1970-01-01T00:00:00.000Z"}, "b": {"$date": "9999-12-31T23:59:59.999Z"}}"#,
            #"{"a": {"$date": {"$numberLong": "-62135596800000"}}, "b": {"$date": {"$numberLong": "0"}}}"#,
            #"{"a": {"$numberInt": "-2147483648"}, "b": {"$numberLong": "9223372036854775807"}}"#,
            #"{"a": {"$numberDouble": "Infinity"}, "b": {"$numberDouble": "-Infinity"}, "c": {"$numberDouble": "NaN"}}"#,
            #"{"a": {"$numberDouble": "1.0"}, "b": {"$numberDouble": "-0.0"}, "c": {"$numberDouble": "1e10"}}"#,
            #"{"a": {"$numberDecimal": "100.50"}, "b": {"$numberDecimal": "-1E+3"}, "c": {"$numberDecimal": "NaN"}}"#,
            #"{"billed": {"$type": "bool"}, "x": {"$type": ["string", "null"]}, "$type": 1}"#,
            #"{"$set": {"a.b": 1}, "$match": {"$expr": {"$gte": ["$a", 1]}}, "": {"k": []}}"#,
            #"{"a": [], "b": {}, "c": [[], [{}]], "d": [true, false, null]}"#,
            #"  {"a" : 1 , "b" : {"a": 2}}  "#,
            "[1, \"two\", {\"three\": 3}]",
        ]
        let declined = [
            #"{"a": -0}"#, #"{"a": 01}"#, #"{"a": 9223372036854775808}"#, #"{"a": 1e400}"#, #"{"a": 1e-400}"#,
            #"{"a": NaN}"#, #"{"a": Infinity}"#, #"{"a": .5}"#, #"{"a": 1.}"#, #"{"a": +1}"#,
            #"{"a": "\u0000"}"#, #"{"a": "\ud800"}"#, #"{"a": "\x"}"#, "{\"a\": \"raw\ttab\"}", "{\"a\": \"\u{0}\"}",
            #"{"a\u0062": 1}"#, #"{"a": 1,}"#, #"{"a": 1} x"#, #"{"a" 1}"#, #"{'a': 1}"#, "\u{FEFF}{\"a\": 1}",
            #"{"a": {"$oid": "65a1b2c3d4e5f60718293a4"}}"#, #"{"a": {"$oid": "65a1b2c3d4e5f60718293a4b", "x": 1}}"#,
            #"{"a": {"x": 1, "$oid": "65a1b2c3d4e5f60718293a4b"}}"#, #"{"$oid": "65a1b2c3d4e5f60718293a4b"}"#,
            #"{"a": {"$date": "2026-02-29T00:00:00Z"}}"#, #"{"a": {"$date": "2026-01-27T24:00:00Z"}}"#,
            #"{"a": {"$date": "1969-12-31T23:59:59Z"}}"#, #"{"a": {"$date": "2026-01-27T20:00:00.5Z"}}"#,
            #"{"a": {"$date": "2026-01-27T20:00:00+01:00"}}"#, #"{"a": {"$date": 1700000000000}}"#,
            #"{"a": {"$numberInt": "2147483648"}}"#, #"{"a": {"$numberInt": "+1"}}"#, #"{"a": {"$numberInt": "-0"}}"#,
            #"{"a": {"$numberLong": "007"}}"#, #"{"a": {"$numberDouble": "1e400"}}"#, #"{"a": {"$numberDouble": "abc"}}"#,
            #"{"a": {"$numberDecimal": "1.2.3"}}"#, #"{"a": {"$binary": {"base64": "AA==", "subType": "00"}}}"#,
            #"{"a": {"$binary": "AA==", "$type": "00"}}"#, #"{"a": {"$type": "00", "$binary": "AA=="}}"#,
            #"{"a": {"$regex": "^x", "$options": "i"}}"#, #"{"a": {"$timestamp": {"t": 1, "i": 2}}}"#,
            #"{"a": {"$minKey": 1}}"#, #"{"a": {"$uuid": "00000000-0000-0000-0000-000000000000"}}"#,
            #"{"a": {"$ref": "c", "$id": 1}}"#, #"{"$__preflight_type": 1}"#, #"{"$type": 1, "s": "$__preflight_type"}"#,
            String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
            #"{"a": 1, "a": 2}"#, #"{"x": {"a": 1, "b": 2, "a": 3}}"#,
            // The strictness scan checks a wrapper's value as written, escapes and all.
            #"{"a": {"$numberInt": "\u0031"}}"#, #"{"a": {"$numberLong": "1\u0030"}}"#,
            #"{"a": {"$oid": "\u0036\u0035a1b2c3d4e5f60718293a4b"}}"#, #"{"a": {"$numberDouble": "\u004eaN"}}"#,
            #"{"a": {"$date": {"$numberLong": "\u0031"}}}"#, #"{"a": {"$date": "2026-01-27T20:00:00\u005a"}}"#,
            "{" + (0..<40).map { "\"k\($0 % 39)\": \($0)" }.joined(separator: ", ") + "}",
        ]
        for text in taken {
            let bytes = Array(text.utf8)
            guard let fast = FastJSONReader.value(bytes) else {
                XCTFail("declined: \(text)")
                continue
            }
            guard let full = full(bytes) else {
                XCTFail("the full path refuses what the fast reader took: \(text)")
                continue
            }
            XCTAssertTrue(same(fast, full), "\(text)\n  fast: \(describe(fast))\n  full: \(describe(full))")
        }
        for text in declined {
            XCTAssertNil(FastJSONReader.value(Array(text.utf8)), "taken, but left to the full path by design: \(text)")
        }
    }

    func testTheISODateIsTheEpochMillisecondsLibbsonGives() {
        // Every day boundary of four years, a leap year and a century among them.
        for year in [1970, 1999, 2000, 2024, 2100] {
            for month in 1...12 {
                for day in [1, 28] {
                    let text = String(format: "%04d-%02d-%02dT13:45:07.250Z", year, month, day)
                    let fast = FastJSONReader.isoDate(Array(text.utf8))
                    let full = try? ExtendedJSON.parseDocumentFully(Array("{\"d\": {\"$date\": \"\(text)\"}}".utf8))["d"]
                    XCTAssertEqual(fast.map(BSON.datetime), full, text)
                }
            }
        }
    }

    // MARK: - Helpers

    /// Equal values of the same types, strings compared byte for byte and doubles bit for bit.
    private func same(_ a: BSON, _ b: BSON) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)): (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): x.utf8.elementsEqual(y.utf8)
        case (.decimal128(let x), .decimal128(let y)): x.low == y.low && x.high == y.high
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.document(let x), .document(let y)):
            x.count == y.count
                && zip(x.elements, y.elements).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && same($0.value, $1.value) }
        default: a == b
        }
    }

    private func describe(_ value: BSON) -> String {
        switch value {
        case .document(let document): document.extendedJSON(.canonical)
        default: BSONDocument([("value", value)]).extendedJSON(.canonical)
        }
    }

    /// One random change: a byte removed, doubled or replaced, or a token put in its place
    /// that lies at an edge of what the fast reader takes.
    private func mutate(_ bytes: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var result = bytes
        guard !result.isEmpty else { return result }
        let at = Int.random(in: 0..<result.count, using: &generator)
        let tokens = [
            "-0", "1e400", "0.5", "2147483648", "-9223372036854775809", "\\u0000", "\\ud800", "\\u00e9", "\"$oid\"",
            "\"$type\"", "\"$date\"", "{\"$numberLong\": \"1\"}", "{\"$date\": \"2026-02-30T00:00:00Z\"}", "NaN", ",", "}",
            "]", "\"", "\\", "\u{0}", "\u{FF}", "é", "\t", "true", "nul",
        ].map { Array($0.utf8) }
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: result.remove(at: at)
        case 1: result.insert(result[at], at: at)
        case 2: result[at] = UInt8.random(in: 0x20...0x7E, using: &generator)
        default: result.replaceSubrange(at..<min(at + Int.random(in: 0...3, using: &generator), result.count), with: tokens.randomElement(using: &generator)!)
        }
        return result
    }
}

/// A fixed sequence of random numbers, so a failure can be run again.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
