import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Seeded, bounded mutations of the shipped pack's files: each mutant is valid or rejected
/// with located messages, never a crash, a hang or a message without a place. The seed is
/// printed with any failure, so a failure reproduces.
final class LoaderFuzzTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so runs are the same everywhere.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    }

    static let alphabet = Array(#"{}[],:"\ 0123456789.-eE$abc"#.utf8) + [0x0A, 0x00, 0xFF]

    static func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
        var out = bytes
        guard !out.isEmpty else { return out }
        for _ in 0..<(1 + random.below(3)) {
            let at = random.below(out.count)
            switch random.below(6) {
            case 0: out.remove(at: at)
            case 1: out.insert(alphabet[random.below(alphabet.count)], at: at)
            case 2: out[at] = alphabet[random.below(alphabet.count)]
            case 3:
                let length = min(1 + random.below(40), out.count - at)
                out.insert(contentsOf: out[at..<(at + length)], at: at)
            case 4: out = Array(out[..<at])
            default:
                let other = random.below(out.count)
                out.swapAt(at, other)
            }
            if out.isEmpty { break }
        }
        return out
    }

    func testMutatedPackFilesAreValidOrRejectedWithLocatedMessages() throws {
        let copy = try TemporaryDirectory()
        let pack = ScratchServerTestCase.packageRoot + "/scenarios/earlybird"
        for folder in ["lib", "phase-0.7", "incidents", "monitoring", "compat", "migrations", "fixtures"] {
            try FileManager.default.copyItem(atPath: pack + "/" + folder, toPath: copy.path + "/" + folder)
        }
        let files = ScenarioCatalog.jsonFiles(under: copy.path)
        XCTAssertGreaterThan(files.count, 10)
        let seed = UInt64(20_261_206)
        var random = Generator(state: seed)
        var rejected = 0, accepted = 0
        for round in 0..<400 {
            let file = files[random.below(files.count)]
            let original = try Data(contentsOf: URL(fileURLWithPath: file))
            let mutant = Self.mutate([UInt8](original), &random)
            try Data(mutant).write(to: URL(fileURLWithPath: file))
            defer { try? original.write(to: URL(fileURLWithPath: file)) }
            let catalog = ScenarioCatalog.load([file], loader: ScenarioLoader())
            if catalog.errors.isEmpty {
                accepted += 1
                continue
            }
            rejected += 1
            for error in catalog.errors {
                let where_ = "round \(round) (seed \(seed)), \(file): \(error)"
                XCTAssertTrue(error.line != nil || error.path != nil || error.message.hasPrefix("no such file"), "a message without a place: \(where_)")
                XCTAssertFalse(error.message.isEmpty, where_)
                XCTAssertFalse(error.description.unicodeScalars.contains { $0.value < 0x20 }, "a control character printed: \(where_)")
            }
        }
        XCTAssertGreaterThan(rejected, 100, "the mutations should mostly break files")
        XCTAssertGreaterThan(accepted + rejected, 0)
    }

    /// Through the binary: every mutant exits 0 or 2, never a crash or another code.
    func testTheBinaryExitsZeroOrTwoOnMutants() throws {
        let copy = try TemporaryDirectory()
        let source = ScratchServerTestCase.packageRoot + "/scenarios/earlybird/phase-0.7/order-creation.json"
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        try FileManager.default.copyItem(atPath: ScratchServerTestCase.packageRoot + "/scenarios/earlybird/lib", toPath: copy.path + "/lib")
        try FileManager.default.createDirectory(atPath: copy.path + "/phase-0.7", withIntermediateDirectories: true)
        var random = Generator(state: 7)
        for round in 0..<12 {
            let file = copy.path + "/phase-0.7/order-creation.json"
            try Data(Self.mutate(original, &random)).write(to: URL(fileURLWithPath: file))
            let run = try PreflightProcess.run(["check", file], timeout: 60)
            XCTAssertTrue([0, 2].contains(run.status), "round \(round): \(run.transcript)")
            if run.status == 2 {
                XCTAssertTrue(run.standardError.hasPrefix(file + ":"), "round \(round): not located: \(run.transcript)")
            }
        }
    }
}
