/// The colours and weights the console paints with (SGR codes), in one place for the run's
/// console, the gate's and the progress line.
enum ANSIStyle: String {
    case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    case boldRed = "1;31", boldGreen = "1;32"

    /// `text` in this style when `color` is on; as it is otherwise.
    func paint(_ text: String, when color: Bool) -> String {
        color ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
    }
}
