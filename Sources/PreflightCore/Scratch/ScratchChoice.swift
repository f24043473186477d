/// Which server `--scratch` asks for.
public enum ScratchChoice: Sendable, Equatable {
    /// `mongod` on PATH, else SecantusDB.
    case automatic
    case mongod
    case secantus
    /// A server binary by path; `mongod` in its name means mongod's command line, anything
    /// else SecantusDB's.
    case path(String)

    /// Reads `--scratch`'s value: `mongod`, `secantus`, or a path.
    public init(argument: String) {
        switch argument {
        case "mongod": self = .mongod
        case "secantus", "secantusdb": self = .secantus
        case "auto", "automatic": self = .automatic
        default: self = .path(argument)
        }
    }
}
