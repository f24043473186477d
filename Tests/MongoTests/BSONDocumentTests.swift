import XCTest

@testable import Mongo

/// Ordered-document semantics, ObjectID hex, URI redaction and version comparison.
final class BSONDocumentTests: XCTestCase {

    // MARK: - Subscript, append, prepend

    /// A value is copied all through reading and running a file: its largest unboxed case
    /// holds 16 bytes (a string, a Decimal128, binary data), so a value takes 17.
    func testAValueIsSeventeenBytes() {
        XCTAssertEqual(MemoryLayout<BSON>.size, 17)
    }

    func testSubscriptReadsTheFirstValueUnderAKey() {
        let document = BSONDocument([("a", 1), ("b", 2), ("a", 3)])
        XCTAssertEqual(document["a"], 1)
        XCTAssertEqual(document["b"], 2)
        XCTAssertNil(document["missing"])
        XCTAssertTrue(document.contains("b"))
        XCTAssertFalse(document.contains("c"))
    }

    func testSettingAnExistingKeyReplacesItInPlace() {
        var document: BSONDocument = ["a": 1, "b": 2, "c": 3]
        document["b"] = "two"
        XCTAssertEqual(document.keys, ["a", "b", "c"])
        XCTAssertEqual(document.values, [1, "two", 3])
    }

    func testSettingANewKeyAppendsIt() {
        var document: BSONDocument = ["z": 1, "a": 2]
        document["m"] = 3
        XCTAssertEqual(document.keys, ["z", "a", "m"])
        XCTAssertEqual(document["m"], 3)
    }

    func testSettingNilRemovesTheKeyAndKeepsTheOthersInOrder() {
        var document: BSONDocument = ["a": 1, "b": 2, "c": 3, "d": 4]
        document["b"] = nil
        XCTAssertEqual(document.keys, ["a", "c", "d"])
        document["absent"] = nil
        XCTAssertEqual(document.keys, ["a", "c", "d"])
        XCTAssertEqual(document.count, 3)
    }

    func testSettingNullStoresNullRatherThanRemoving() {
        var document: BSONDocument = ["a": 1]
        document["a"] = BSON.null
        XCTAssertEqual(document.keys, ["a"])
        XCTAssertEqual(document["a"], .null)
    }

    func testSubscriptOnDuplicateKeysTouchesOnlyTheFirst() {
        var document = BSONDocument([("a", 1), ("b", 2), ("a", 3)])
        document["a"] = 10
        XCTAssertEqual(document, BSONDocument([("a", 10), ("b", 2), ("a", 3)]))
        document["a"] = nil
        XCTAssertEqual(document, BSONDocument([("b", 2), ("a", 3)]))
    }

    func testAppendKeepsDuplicateKeys() {
        var document: BSONDocument = ["a": 1]
        document.append("a", 2)
        XCTAssertEqual(document.keys, ["a", "a"])
        XCTAssertEqual(document.values, [1, 2])
    }

    func testPrependPutsTheKeyFirstAndRemovesEveryOtherCopy() {
        var document = BSONDocument([("filter", [:]), ("find", "old"), ("limit", 1), ("find", "older")])
        document.prepend("find", "orders")
        XCTAssertEqual(document.keys, ["find", "filter", "limit"])
        XCTAssertEqual(document["find"], "orders")

        var empty = BSONDocument()
        empty.prepend("ping", 1)
        XCTAssertEqual(empty, ["ping": 1])
    }

    func testIterationFollowsInsertionOrder() {
        let keys = ["z", "y", "a", "10", "9"]
        let document = BSONDocument(keys.map { ($0, BSON.null) })
        XCTAssertEqual(document.map(\.key), keys)
        XCTAssertFalse(document.isEmpty)
        XCTAssertTrue(BSONDocument().isEmpty)
    }

    // MARK: - Equality

    func testEqualityIsOrderSensitive() {
        let ab: BSONDocument = ["a": 1, "b": 2]
        let ba: BSONDocument = ["b": 2, "a": 1]
        XCTAssertNotEqual(ab, ba)
        XCTAssertEqual(ab, ["a": 1, "b": 2])
    }

    func testEqualityComparesKeysValuesTypesAndCount() {
        let base: BSONDocument = ["a": 1, "b": ["c": [1, 2]]]
        XCTAssertEqual(base, ["a": 1, "b": ["c": [1, 2]]])
        XCTAssertNotEqual(base, ["a": 1, "b": ["c": [2, 1]]], "nested array order")
        XCTAssertNotEqual(base, ["A": 1, "b": ["c": [1, 2]]], "key case")
        XCTAssertNotEqual(base, ["a": .int64(1), "b": ["c": [1, 2]]], "int32 vs int64")
        XCTAssertNotEqual(base, ["a": 1], "fewer keys")
        XCTAssertNotEqual(base, ["a": 1, "b": ["c": [1, 2]], "d": nil], "more keys")
        XCTAssertNotEqual(BSONDocument([("a", 1), ("a", 1)]), ["a": 1], "duplicate key counts")
    }

    func testEqualDocumentsHashAlike() {
        let a: BSONDocument = ["x": 1, "y": ["z": "w"]]
        let b: BSONDocument = ["x": 1, "y": ["z": "w"]]
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(Set([a, b, ["y": ["z": "w"], "x": 1]]).count, 2)
    }

    /// BUG: BSON's synthesized == compares doubles with IEEE ==, so a document holding a
    /// double NaN is not equal to itself (Equatable requires a == a; Set and Dictionary
    /// misbehave). Decimal128 NaNs are deliberately equal; double NaNs should be too.
    func testDocumentHoldingDoubleNaNEqualsItself() {
        let document: BSONDocument = ["x": .double(.nan)]
        XCTAssertEqual(document, document)
        XCTAssertEqual(BSON.double(.nan), BSON.double(.nan))
        XCTAssertEqual(Set([document, document]).count, 1)
    }

    // MARK: - ObjectID

    func testObjectIDHexRoundTrips() {
        for hex in ["5f0c8a3b2e4d1a0b9c8d7e6f", "000000000000000000000000", "ffffffffffffffffffffffff"] {
            let id = ObjectID(hex: hex)
            XCTAssertEqual(id?.hex, hex)
            XCTAssertEqual(id?.description, hex)
        }
        let id = ObjectID(hex: "5F0C8A3B2E4D1A0B9C8D7E6F")
        XCTAssertEqual(id?.hex, "5f0c8a3b2e4d1a0b9c8d7e6f", "upper case is read, lower case written")
        XCTAssertEqual(id?.bytes, [0x5F, 0x0C, 0x8A, 0x3B, 0x2E, 0x4D, 0x1A, 0x0B, 0x9C, 0x8D, 0x7E, 0x6F])
    }

    func testInvalidObjectIDHexIsNil() {
        let invalid = [
            "", "5f0c8a3b2e4d1a0b9c8d7e6", "5f0c8a3b2e4d1a0b9c8d7e6f0", "5f0c8a3b2e4d1a0b9c8d7e6g",
            "zzzzzzzzzzzzzzzzzzzzzzzz", " 5f0c8a3b2e4d1a0b9c8d7e6", "5f0c8a3b2e4d1a0b9c8d7e-f",
            "5f0c8a3b2e4d1a0b9c8d7eé",
        ]
        for hex in invalid {
            XCTAssertNil(ObjectID(hex: hex), hex.debugDescription)
        }
    }

    func testObjectIDFromBytesNeedsExactlyTwelve() {
        XCTAssertNil(ObjectID(bytes: Array(repeating: 1, count: 11)))
        XCTAssertNil(ObjectID(bytes: Array(repeating: 1, count: 13)))
        XCTAssertEqual(ObjectID(bytes: Array(1...12))?.hex, "0102030405060708090a0b0c")
    }

    func testFreshObjectIDsAreDistinctAndValid() {
        let a = ObjectID()
        let b = ObjectID()
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a.bytes.count, 12)
        XCTAssertEqual(ObjectID(hex: a.hex), a)
    }

    // MARK: - URI redaction

    func testRedactionHidesTheUserInfoPasswordAndKeepsTheUser() {
        let cases: [(uri: String, secret: String, expected: String)] = [
            ("mongodb://u:secret@h/?x=1", "secret", "mongodb://u:***@h/?x=1"),
            ("mongodb://u:secret@h", "secret", "mongodb://u:***@h"),
            ("mongodb+srv://admin:hunter2@cluster0.example.net/db", "hunter2", "mongodb+srv://admin:***@cluster0.example.net/db"),
            ("mongodb://u:p%40ss@h1:27017,h2:27018/?replicaSet=rs", "p%40ss", "mongodb://u:***@h1:27017,h2:27018/?replicaSet=rs"),
            ("mongodb://u:pa@ss@h/", "pa@ss", "mongodb://u:***@h/"),
            // Unencoded `/ ? @ :` in the password: the last `@` before the hosts ends it.
            ("mongodb://alice:S3cr/etPassw0rd@127.0.0.1:27017/db", "S3cr/etPassw0rd", "mongodb://alice:***@127.0.0.1:27017/db"),
            ("mongodb://alice:p?ss@passw0rd@127.0.0.1/?tls=true", "passw0rd", "mongodb://alice:***@127.0.0.1/?tls=true"),
            ("mongodb://alice:a:b/c?d@e@h1:1,h2:2/?w=1", "a:b/c?d@e", "mongodb://alice:***@h1:1,h2:2/?w=1"),
            ("mongodb://alice:x@[::1]:27017", "x", "mongodb://alice:***@[::1]:27017"),
        ]
        for (uri, secret, expected) in cases {
            let redacted = URIRedaction.redact(uri)
            XCTAssertEqual(redacted, expected, uri)
            XCTAssertFalse(redacted.contains(secret), "\(uri) -> \(redacted)")
        }
    }

    func testRedactionHidesSecretQueryOptions() {
        let cases: [(uri: String, secrets: [String], kept: [String])] = [
            ("mongodb://h/?password=s3cret&authSource=admin", ["s3cret"], ["authSource=admin", "password=***"]),
            ("mongodb://h/?tls=true&tlsCertificateKeyFilePassword=k3y", ["k3y"], ["tls=true", "tlsCertificateKeyFilePassword=***"]),
            ("mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t0ken",
             ["t0ken"], ["authMechanism=MONGODB-AWS", "authMechanismProperties=***"]),
            ("mongodb://u:pw1@h/?Password=pw2", ["pw1", "pw2"], ["u:***@h", "Password=***"]),
        ]
        for (uri, secrets, kept) in cases {
            let redacted = URIRedaction.redact(uri)
            for secret in secrets {
                XCTAssertFalse(redacted.contains(secret), "\(uri) -> \(redacted)")
            }
            for part in kept {
                XCTAssertTrue(redacted.contains(part), "\(uri) -> \(redacted) lacks \(part)")
            }
        }
    }

    func testRedactionLeavesURIsWithoutSecretsAlone() {
        for uri in [
            "mongodb://localhost:27017", "mongodb://u@h/?authSource=admin", "mongodb://h/?replicaSet=rs&w=majority",
            "mongodb://h/?authMechanismProperties=SERVICE_NAME:mongodb",
        ] {
            XCTAssertEqual(URIRedaction.redact(uri), uri)
        }
    }

    // MARK: - Server versions

    func testServerVersionComparison() {
        let cases: [(String, String, Int)] = [
            ("6.0", "6.0.0", 0), ("6.0.0", "6.0", 0), ("7.0.14", "8.0", -1), ("8.0", "7.0.14", 1),
            ("10.0", "9.9", 1), ("9.9", "10.0", -1), ("4.4.29", "4.4.3", 1), ("7.0.0-rc1", "7.0.0", 0),
            ("5", "5.0.0", 0), ("5.0.1", "5", 1),
        ]
        for (a, b, expected) in cases {
            XCTAssertEqual(ServerFacts.compare(a, b), expected, "compare(\(a), \(b))")
        }
    }

    func testServerVersionComponents() {
        XCTAssertEqual(ServerFacts.components("7.0.14"), [7, 0, 14])
        XCTAssertEqual(ServerFacts.components("8.0.0-rc3"), [8, 0, 0])
    }

    func testRegexOptionsBSONDoesNotDefineAreRefusedNotDropped() throws {
        let document: BSONDocument = ["r": .regex(pattern: "a", options: "iq")]
        XCTAssertThrowsError(try document.withBSONPointer { _ in }) { error in
            let message = (error as? MongoError)?.message ?? ""
            XCTAssertTrue(message.contains("option \"q\""), message)
        }
        let valid: BSONDocument = ["r": .regex(pattern: "a", options: "xusmli")]
        XCTAssertNoThrow(try valid.withBSONPointer { _ in })
    }
}
