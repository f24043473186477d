import ArgumentParser
import Foundation

/// A length of time as written on the command line: `90s`, `30m`, `12h`, `7d`.
struct Age: ExpressibleByArgument {
    let seconds: TimeInterval
    let text: String

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = argument.last.flatMap({ units[$0] }), let count = Double(argument.dropLast()), count >= 0, count.isFinite
        else { return nil }
        seconds = count * unit
        text = argument
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
