import XCTest

@testable import Mongo

/// The near-miss check reads every operator key that opens an object, so it decides in
/// one pass without allocating; a plain Levenshtein table, kept here as the reference,
/// must agree with it on every key near a type key and on random ones.
final class ExtendedJSONNearMissTests: XCTestCase {
    private static func levenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    private static func reference(_ key: [UInt8]) -> String? {
        guard (3...20).contains(key.count), key[0] == UInt8(ascii: "$"), key[1] != UInt8(ascii: "$") else { return nil }
        if ExtendedJSONNearMiss.known.contains(key) { return nil }
        let lowered = Array(String(decoding: key, as: UTF8.self).lowercased().utf8)
        for (name, word) in ExtendedJSONNearMiss.wrappers {
            let allowed = word.count >= 10 ? 2 : 1
            if abs(word.count - key.count) <= allowed, levenshtein(lowered, word) <= allowed { return name }
        }
        return nil
    }

    private func assertAgrees(_ key: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let found = key.withUnsafeBufferPointer { ExtendedJSONNearMiss.meant($0) }
        XCTAssertEqual(found, Self.reference(key), String(decoding: key, as: UTF8.self), file: file, line: line)
    }

    func testEveryKeyOneOrTwoEditsFromATypeKeyIsJudgedAsTheReferenceJudgesIt() {
        let letters = Array("aeiotnDL$_".utf8)
        let operators = ["$set", "$gte", "$in", "$match", "$setOnInsert", "$elemMatch", "$currentDate", "$dateToString", "$toDate"]
        var keys = ExtendedJSONNearMiss.wrappers.map { Array($0.0.utf8) } + operators.map { Array($0.utf8) }
        var edited: [[UInt8]] = []
        for key in keys {
            for at in 1...key.count {
                if at < key.count { edited.append(Array(key[..<at] + key[(at + 1)...])) }
                for letter in letters {
                    edited.append(Array(key[..<at] + [letter] + key[at...]))
                    if at < key.count { edited.append(Array(key[..<at] + [letter] + key[(at + 1)...])) }
                }
            }
        }
        keys += edited
        // And a second edit (a letter dropped) of the long keys', for their allowance of two.
        for key in edited where key.count >= 10 && key.count % 3 == 0 {
            for at in 1..<key.count { keys.append(Array(key[..<at] + key[(at + 1)...])) }
        }
        for key in keys { assertAgrees(key) }
        XCTAssertGreaterThan(keys.count, 5_000)
    }

    func testRandomKeysAreJudgedAsTheReferenceJudgesThem() {
        var state: UInt64 = 20_261_207
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let letters = Array("abcdeilmnortuyDIL$".utf8)
        for _ in 0..<5_000 {
            let key = [UInt8(ascii: "$")] + (0..<(2 + next(16))).map { _ in letters[next(letters.count)] }
            assertAgrees(key)
        }
    }
}
