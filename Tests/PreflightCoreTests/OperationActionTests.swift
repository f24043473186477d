import XCTest

@testable import PreflightCore

final class OperationActionTests: XCTestCase {
    /// An action is hashed and compared by the byte that stores its case: each case has its
    /// own, in declaration order, and two actions are equal exactly when their names are.
    func testAnActionsOrdinalIsItsPlaceAmongTheCases() {
        XCTAssertEqual(MemoryLayout<OperationAction>.size, 1)
        XCTAssertEqual(OperationAction.allCases.map(\.ordinal), (0..<OperationAction.allCases.count).map(UInt8.init))
        for left in OperationAction.allCases {
            for right in OperationAction.allCases {
                XCTAssertEqual(left == right, left.rawValue == right.rawValue, "\(left) and \(right)")
            }
        }
        XCTAssertEqual(Set(OperationAction.allCases).count, OperationAction.allCases.count)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: OperationAction.allCases.map { ($0, $0.rawValue) })[.distinct], "distinct")
    }
}
