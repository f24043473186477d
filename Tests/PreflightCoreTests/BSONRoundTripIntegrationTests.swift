import Mongo
import XCTest

/// Documents of every BSON type written through Preflight read back identical from a real server.
final class BSONRoundTripIntegrationTests: ScratchServerTestCase {
    static let everyType: BSONDocument = [
        "double": .double(1.5), "negativeZero": .double(-0.0), "nan": .double(.nan), "infinity": .double(.infinity),
        "string": "café \u{1F600} \"quoted\" \\ \n", "document": ["nested": ["deeper": 1]],
        "array": [1, "two", [3], ["four": 4]],
        "binary": .binary(BSONBinary(subtype: 0x00, bytes: [0, 1, 2, 255])),
        "uuid": .binary(BSONBinary(subtype: 0x04, bytes: Array(0..<16))),
        "userBinary": .binary(BSONBinary(subtype: 0x80, bytes: [9])),
        "undefined": .undefined, "objectID": .objectID(ObjectID(hex: "57e193d7a9cc81b4027498b5")!),
        "bool": true, "epoch": .datetime(0), "before1970": .datetime(-62_135_596_800_000),
        "after9999": .datetime(253_402_300_800_000), "null": .null,
        "regex": .regex(pattern: "^a.*b$", options: "imx"),
        "dbPointer": .dbPointer(ref: "db.coll", id: ObjectID(hex: "57e193d7a9cc81b4027498b5")!),
        "code": .javascript("function() { return 1; }"), "symbol": .symbol("sym"),
        "codeWithScope": .javascriptWithScope(code: "x + y", scope: ["x": 1, "y": 2]),
        "int32Min": .int32(.min), "int32Max": .int32(.max), "timestamp": .timestamp(seconds: 1_700_000_000, increment: 7),
        "int64Min": .int64(.min), "int64Max": .int64(.max), "int64Small": .int64(1),
        "decimal": .decimal128(Decimal128("100.50")!), "decimalNaN": .decimal128(Decimal128("NaN")!),
        "minKey": .minKey, "maxKey": .maxKey, "ключ": "non-ASCII key",
    ]

    /// Where SecantusDB differs from mongod, which stores BSON as sent: it keeps dates as
    /// Python datetimes (nothing after 9999-12-31), and reads the deprecated undefined,
    /// symbol and dbPointer back as null, string and a DBRef document. Those values are
    /// checked offline (libbson and Extended JSON), on the wire below, and on mongod here.
    static let secantusDifferences = ["after9999", "undefined", "symbol", "dbPointer"]

    private var serverDocument: BSONDocument {
        var document = Self.everyType
        if case .secantus? = Self.server?.flavor {
            Self.secantusDifferences.forEach { document[$0] = nil }
        }
        return document
    }

    func testTheInsertCommandOnTheWireHoldsEveryTypeExactly() throws {
        var document = Self.everyType
        document.prepend("_id", .string("wire-" + ObjectID().hex))
        try withClient { client in
            // SecantusDB refuses the date after 9999; what matters here is what was sent.
            _ = try? client.collection("types", in: database).insertOne(document)
        }
        let sent = Self.events.all.compactMap { event -> BSONDocument? in
            guard case .started(let command, _) = event.outcome, event.commandName == "insert" else { return nil }
            return command.document["documents"]?.arrayValue?.first?.documentValue
        }
        let ours = try XCTUnwrap(sent.first { $0["_id"] == document["_id"] })
        XCTAssertEqual(ours.extendedJSON(.canonical), document.extendedJSON(.canonical))
    }

    func testSecantusDifferencesAreStillThere() throws {
        guard case .secantus? = Self.server?.flavor else { return }
        try withClient { client in
            let types = client.collection("types", in: database)
            XCTAssertThrowsError(
                try types.insertOne(["d": .datetime(253_402_300_800_000)]),
                "SecantusDB now stores dates after 9999: take it out of secantusDifferences")
            try types.insertOne(["_id": 1, "u": .undefined, "s": .symbol("x")])
            let stored = try types.find(["_id": 1]).first
            XCTAssertEqual(stored?["u"], .null, "SecantusDB now keeps undefined: take it out of secantusDifferences")
            XCTAssertEqual(stored?["s"], "x", "SecantusDB now keeps symbols: take them out of secantusDifferences")
        }
    }

    func testEveryTypeSurvivesAWriteAndARead() throws {
        try withClient { client in
            var document = serverDocument
            document.prepend("_id", "every-type")
            let collection = client.collection("types", in: database)
            try collection.insertOne(document)
            let stored = try XCTUnwrap(try collection.find(["_id": "every-type"]).first)
            XCTAssertEqual(stored.keys, document.keys, "key order is kept")
            for (key, value) in document {
                XCTAssertEqual(stored[key]?.bitwise, value.bitwise, "field \(key)")
            }
        }
    }

    func testEveryTypeSurvivesExtendedJSONThenTheServer() throws {
        try withClient { client in
            var document = serverDocument
            document.prepend("_id", "from-json")
            let parsed = try ExtendedJSON.parseDocument(document.extendedJSON(.canonical))
            let collection = client.collection("types", in: database)
            try collection.insertOne(parsed)
            let stored = try XCTUnwrap(try collection.find(["_id": "from-json"]).first)
            XCTAssertEqual(stored.extendedJSON(.canonical), document.extendedJSON(.canonical))
        }
    }
}

extension BSON {
    /// Canonical Extended JSON as an identity: NaN equals NaN, -0.0 differs from 0.0, and
    /// Decimal128 compares by representation, which is what "read back identical" means.
    var bitwise: String { extendedJSON(.canonical) }
}
