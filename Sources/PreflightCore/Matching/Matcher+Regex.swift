import Foundation
import Mongo

extension Matcher {
    /// Compiles a pattern with BSON regex options: `i` ignore case, `m` anchors at lines,
    /// `s` dot matches newlines, `x` extended (white space and comments ignored). `l` and
    /// `u` change nothing here: matching is always Unicode-aware.
    static func regularExpression(_ pattern: String, options: String) throws -> NSRegularExpression {
        var flags: NSRegularExpression.Options = []
        for option in options {
            switch option {
            case "i": flags.insert(.caseInsensitive)
            case "m": flags.insert(.anchorsMatchLines)
            case "s": flags.insert(.dotMatchesLineSeparators)
            case "x": flags.insert(.allowCommentsAndWhitespace)
            default: break
            }
        }
        return try NSRegularExpression(pattern: pattern, options: flags)
    }
}
