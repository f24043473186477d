import XCTest

@testable import PreflightCore

/// Names are letters (any alphabet), digits and `_`, not starting with a digit: ASCII
/// names are decided byte by byte, the others through Unicode's properties. Both ways
/// must agree with the rule.
final class VariableNameTests: XCTestCase {
    func testLettersDigitsAndUnderscoreStartingWithALetterOrUnderscore() {
        for name in ["order", "_x", "a1", "Order_2", "_", "café", "naïve_2", "заказ", "注文"] {
            XCTAssertTrue(VariableName.isValid(name), name)
        }
        for name in ["", "1a", "a-b", "a.b", " a", "a ", "é-x", "$x", "a\u{0}", "9", "café.x", "x€"] {
            XCTAssertFalse(VariableName.isValid(name), name)
        }
    }

    /// The same answer as `hasPrefix("$$")`, which compares characters: a combining mark
    /// after `$$` makes the second `$` another character, and the key an ordinary one.
    func testAnOperatorKeyIsOneThatStartsWithTwoDollarCharacters() {
        for key in ["$$var", "$$", "$$é", "$$\u{301}", "$$\u{301}x", "$", "$x$", "", "x$$", "$\u{301}$", "$$🚀"] {
            XCTAssertEqual(VariableName.isOperatorKey(key), key.hasPrefix("$$"), key.debugDescription)
        }
    }

    /// The variable a reference starts from ends at the first dot that is a character of
    /// its own: one followed by a combining mark is not.
    func testTheRootOfAReferenceEndsAtTheFirstDotCharacter() {
        XCTAssertEqual(VariableName.root(of: "order.items.0"), "order")
        XCTAssertEqual(VariableName.root(of: "order"), "order")
        XCTAssertEqual(VariableName.root(of: "m.\u{301}"), "m.\u{301}")
        XCTAssertEqual(VariableName.root(of: "é.x"), "é")
    }
}
