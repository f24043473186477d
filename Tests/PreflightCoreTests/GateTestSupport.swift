import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The gate's fixtures, relative to the package root (where the binary runs, so items are
/// named `Tests/PreflightCoreTests/Fixtures/gate/shop/…`).
enum GateFixtures {
    static let root = "Tests/PreflightCoreTests/Fixtures/gate"
    /// Every section: server, a sandbox scenario, a live file, a compat spec, a migration.
    static let release = root + "/shop/release.json"
    /// Only the live file.
    static let liveOnly = root + "/shop/live-only.json"
    static let liveFile = root + "/shop/live-orders.json"
    static let compatSpec = root + "/shop/orders-compat.json"
    /// Server requirements a snapshot of its own does not meet; and one that only warns.
    static let serverUnmet = root + "/server/unmet.json"
    static let serverWarned = root + "/server/warned.json"
    static let invalid = root + "/invalid"

    static func absolute(_ relative: String) -> String { ScratchServerTestCase.packageRoot + "/" + relative }
}

/// The shop's real orders for `release.json`: three orders, one (`o-3`) written before
/// `billed` existed, and the index the checklist requires.
enum GateShop {
    static func seed(_ database: String, using client: MongoClient) throws {
        let orders = client.collection("orders", in: database)
        _ = try orders.insertMany([
            ["_id": "o-1", "status": "delivered", "billed": true, "total": .int32(12)],
            ["_id": "o-2", "status": "pending", "billed": false, "total": .int64(7)],
            ["_id": "o-3", "status": "delivered", "total": .double(3.5)],
        ])
        _ = try orders.createIndex(["status": 1, "billed": 1])
    }
}

/// A gate's `--json` evidence, read back as a consumer would.
struct GateEvidenceFile {
    let json: [String: Any]

    init(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object: \(path)", file: file, line: line)
    }

    var verdict: String? { json["verdict"] as? String }
    var reasons: [String] { json["reasons"] as? [String] ?? [] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var server: [String: Any] { json["server"] as? [String: Any] ?? [:] }

    func item(_ section: String, _ name: String) -> [String: Any]? {
        items.first { $0["section"] as? String == section && $0["name"] as? String == name }
    }

    /// `section name → outcome` for every item.
    var outcomes: [String: String] {
        Dictionary(items.map { ("\($0["section"] as? String ?? "?") \($0["name"] as? String ?? "?")", $0["outcome"] as? String ?? "?") },
                   uniquingKeysWith: { first, _ in first })
    }
}

extension BinaryRun {
    /// The verdict lines (`GO — …` / `NO-GO — …`); the console prints the verdict first and last.
    var verdictLines: [String] { lines.filter { $0.hasPrefix("GO — ") || $0.hasPrefix("NO-GO — ") } }

    /// The lines under a heading of the verdict (`Blocking:`, `Not blocking:`, `Fixed by the
    /// pending migrations:`, `Since …`), up to the next line that is not indented.
    func lines(under heading: String) -> [String] {
        guard let start = lines.firstIndex(where: { $0.hasPrefix(heading) }) else { return [] }
        return Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
    }
}

extension ScratchServerTestCase {
    /// The class server's URI with `database` as its path: `mongodb://127.0.0.1:PORT/db?directConnection=true`.
    func serverURI(naming database: String) throws -> String {
        let uri = try serverURI
        let range = try XCTUnwrap(uri.range(of: "/?"), "unexpected URI shape: \(uri)")
        return uri.replacingCharacters(in: range, with: "/\(database)?")
    }
}
