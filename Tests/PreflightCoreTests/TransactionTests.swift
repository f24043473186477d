import Mongo
import XCTest

@testable import PreflightCore

/// Sessions and transactions against a real server: commit, abort, and the
/// convenient-transaction retry rules.
final class TransactionTests: ScratchServerTestCase {
    /// Transactions run on a replica set only.
    override class var topology: ScratchTopology { .replicaSet }

    func testACommittedTransactionIsVisibleAndAnAbortedOneIsNot() throws {
        try withClient { client in
            let ledger = client.collection("ledger", in: database)
            try ledger.create()
            try client.withSession { session in
                try session.startTransaction(TransactionOptions(readConcern: "snapshot", writeConcern: WriteConcern(w: .majority)))
                try ledger.insertOne(["_id": "committed"], session: session)
                XCTAssertTrue(session.isInTransaction)
                try session.commitTransaction()
                XCTAssertFalse(session.isInTransaction)

                try session.startTransaction()
                try ledger.insertOne(["_id": "aborted"], session: session)
                XCTAssertEqual(try ledger.countDocuments(session: session), 2, "the transaction sees its own write")
                try session.abortTransaction()
            }
            XCTAssertEqual(try ledger.find(), [["_id": "committed"]])
        }
    }

    func testWithTransactionCommitsWhatTheBodyDid() throws {
        try withClient { client in
            let ledger = client.collection("ledger", in: database)
            try ledger.create()
            let value = try client.withSession { session in
                try session.withTransaction { session in
                    try ledger.insertOne(["_id": 1], session: session)
                    try ledger.insertOne(["_id": 2], session: session)
                    return "done"
                }
            }
            XCTAssertEqual(value, "done")
            XCTAssertEqual(try ledger.countDocuments(), 2)
        }
    }

    func testWithTransactionAbortsWhenTheBodyThrows() throws {
        struct Refused: Error {}
        try withClient { client in
            let ledger = client.collection("ledger", in: database)
            try ledger.create()
            XCTAssertThrowsError(
                try client.withSession { session in
                    try session.withTransaction { session in
                        try ledger.insertOne(["_id": 1], session: session)
                        throw Refused()
                    }
                }
            ) { XCTAssertTrue($0 is Refused) }
            XCTAssertEqual(try ledger.countDocuments(), 0)
        }
    }

    func testWithTransactionRetriesTheWholeTransactionOnATransientError() throws {
        try withClient { client in
            let ledger = client.collection("ledger", in: database)
            try ledger.create()
            // The first insert fails with the label that tells drivers to run the transaction again.
            try client.runCommand(
                [
                    "configureFailPoint": "failCommand", "mode": ["times": 1],
                    "data": ["failCommands": ["insert"], "errorCode": 112, "errorLabels": ["TransientTransactionError"]],
                ], on: "admin")
            defer { _ = try? client.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin") }
            var attempts = 0
            try client.withSession { session in
                try session.withTransaction { session in
                    attempts += 1
                    try ledger.insertOne(["_id": 1], session: session)
                }
            }
            XCTAssertEqual(attempts, 2)
            XCTAssertEqual(try ledger.countDocuments(), 1)
        }
    }

    func testWithTransactionGivesUpOnANonTransientError() throws {
        try withClient { client in
            let ledger = client.collection("ledger", in: database)
            try ledger.insertOne(["_id": 1])
            var attempts = 0
            XCTAssertThrowsError(
                try client.withSession { session in
                    try session.withTransaction { session in
                        attempts += 1
                        try ledger.insertOne(["_id": 1], session: session)
                    }
                }
            ) { error in
                XCTAssertEqual((error as? MongoError)?.codeName, "DuplicateKey")
            }
            XCTAssertEqual(attempts, 1)
        }
    }
}
