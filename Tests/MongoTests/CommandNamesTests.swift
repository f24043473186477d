import XCTest

@testable import Mongo

/// Command names from monitoring events: the known ones found, any other made, and a
/// name that only begins or ends like a known one is not taken for it.
final class CommandNamesTests: XCTestCase {
    func testEveryNameComesBackAsWritten() {
        for name in ["find", "insert", "getMore", "commitTransaction", "hello", "explain", "", "findAndModif", "findX",
                     "fin", "Find", "endSessions", "dropDatabase", "ping\u{e9}"] {
            XCTAssertEqual(name.withCString { CommandNames.string($0) }, name)
        }
    }
}
