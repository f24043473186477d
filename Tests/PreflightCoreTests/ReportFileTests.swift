import Foundation
import XCTest

@testable import PreflightCore

/// Where a report lands when its path is not a plain file: a symbolic link is written
/// through, not replaced; a FIFO or `/dev/stdout` is written to, not renamed over.
final class ReportFileTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDownWithError() throws {
        directory = nil
    }

    func testASymbolicLinkIsWrittenThroughAndStaysALink() throws {
        let target = directory.path + "/real/summary.md"
        try FileManager.default.createDirectory(atPath: directory.path + "/real", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let link = directory.path + "/summary.md"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/summary.md")

        try ReportFile.checkWritable(link)
        try ReportFile.write("new", to: link)

        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real/summary.md", "the link is still a link")
    }

    func testALinkToAFileNotYetThereCreatesTheFileItNames() throws {
        let link = directory.path + "/report.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "made-here.json")
        try ReportFile.write("{}", to: link)
        XCTAssertEqual(try String(contentsOfFile: directory.path + "/made-here.json", encoding: .utf8), "{}")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "made-here.json")
    }

    func testAFIFOIsWrittenToItsReader() throws {
        let fifo = directory.path + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let received = Guarded<Data?>(nil)
        let reader = Thread {
            // Opening blocks until the writer opens its end.
            received.value = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile()
        }
        reader.start()
        try ReportFile.checkWritable(fifo)
        try ReportFile.write("through the pipe", to: fifo)
        let deadline = Date().addingTimeInterval(30)
        while received.value == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(received.value.map { String(decoding: $0, as: UTF8.self) }, "through the pipe")
        var status = stat()
        XCTAssertEqual(lstat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
    }
}
