import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The harness of the loader corpora: broken scenario files written to a fresh folder,
/// loaded from disk, and held to their exact errors, file names relative to the folder.
class LoaderCorpusTestCase: XCTestCase {
    /// One broken case: the scenario text (written as `scenario.json`), files beside it,
    /// `--var` overrides, and the errors expected.
    struct Broken: Sendable {
        let name: String
        let text: String
        var files: [String: String] = [:]
        var overrides: BSONDocument = [:]
        let errors: [String]
    }

    private var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        folders = []
        super.tearDown()
    }

    /// A fresh folder holding `files` (relative path → text), removed after the test.
    func folder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-loader-\(UUID().uuidString)", isDirectory: true).path
        folders.append(folder)
        for (relative, content) in files {
            let url = URL(fileURLWithPath: folder + "/" + relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        return folder
    }

    /// Writes `text` as `main` and `files` beside it in a fresh folder.
    func write(_ text: String, files: [String: String] = [:], main: String = "scenario.json") throws -> (folder: String, file: String) {
        let folder = try folder(files.merging([main: text], uniquingKeysWith: { first, _ in first }))
        return (folder, folder + "/" + main)
    }

    /// The errors of loading `text`, or nil (after a test failure) when it loads.
    func failure(
        _ text: String, files: [String: String] = [:], overrides: BSONDocument = [:], name: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) -> (folder: String, errors: [ValidationError])? {
        let written: (folder: String, file: String)
        do { written = try write(text, files: files) } catch {
            XCTFail("\(name): cannot write the case: \(error)", file: file, line: line)
            return nil
        }
        do {
            _ = try ScenarioLoader(variableOverrides: overrides).load(written.file)
            XCTFail("\(name): loaded, but the file is broken", file: file, line: line)
            return nil
        } catch {
            return (written.folder, error.errors)
        }
    }

    /// Error descriptions with the temporary folder taken off the file names.
    func relative(_ errors: [ValidationError], in folder: String) -> [String] {
        errors.map { error in
            let text = error.description
            return text.hasPrefix(folder + "/") ? String(text.dropFirst(folder.count + 1)) : text
        }
    }

    /// Every case must fail to load with exactly its errors.
    func assertCorpus(_ cases: [Broken], file: StaticString = #filePath, line: UInt = #line) {
        for broken in cases {
            guard let (folder, errors) = failure(
                broken.text, files: broken.files, overrides: broken.overrides, name: broken.name, file: file, line: line)
            else { continue }
            XCTAssertEqual(relative(errors, in: folder), broken.errors, broken.name, file: file, line: line)
        }
    }

    /// Loads a file that must be valid.
    func load(
        _ text: String, files: [String: String] = [:], main: String = "scenario.json", overrides: BSONDocument = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Scenario {
        let written = try write(text, files: files, main: main)
        do {
            return try ScenarioLoader(variableOverrides: overrides).load(written.file)
        } catch {
            XCTFail("a valid file was rejected:\n" + relative(error.errors, in: written.folder).joined(separator: "\n"), file: file, line: line)
            throw error
        }
    }
}
