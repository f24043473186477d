import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// What the gate may conclude from the copy after the pending migrations, and what it
/// may not: a sequence that fails is NO-GO even when each migration passes alone; a
/// sample does not prove a fix; a gate whose every item was excused is not GO.
final class GateAfterMigrationsTests: ScratchServerTestCase {
    private static let spec = #"{"preflight": 1, "compat": "orders are typed", "collection": "orders", "fields": {"status": {"type": "string", "required": true}, "billed": {"type": "bool"}}}"#

    private func gate(_ checklist: String) throws -> (BinaryRun, GateEvidenceFile) {
        let json = folder.path + "/gate.json"
        let run = try runBinary(["gate", checklist, "--uri", try serverURI(naming: database), "--json", json, "--junit", folder.path + "/junit.xml"])
        return (run, try GateEvidenceFile(json))
    }

    /// 0001 turns `status` into a number; 0002 reads it as a string. Each passes on its
    /// own; applied in order the second fails, and what held today is not known to hold after.
    func testASequenceThatFailsOnTheCopyIsNOGO() throws {
        try withClient { _ = try $0.collection("orders", in: database).insertMany([["_id": 1, "status": "delivered"], ["_id": 2, "status": "pending"]]) }
        try folder.write("spec.json", Self.spec)
        try folder.write("0001.json", #"""
            {"preflight": 1, "migration": "0001 status as a code", "database": "shop", "changes": {"orders": {"changes": ["status"], "adds": ["old_status"]}},
             "up": [{"updateMany": "orders", "filter": {"old_status": {"$exists": false}}, "update": [{"$set": {"old_status": "$status", "status": 1}}]}],
             "down": [{"updateMany": "orders", "filter": {"old_status": {"$exists": true}}, "update": [{"$set": {"status": "$old_status"}}, {"$unset": "old_status"}]}]}
            """#)
        try folder.write("0002.json", #"""
            {"preflight": 1, "migration": "0002 status length", "database": "shop", "changes": {"orders": {"adds": ["status_length"]}},
             "up": [{"updateMany": "orders", "filter": {}, "update": [{"$set": {"status_length": {"$strLenCP": "$status"}}}]}],
             "down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"status_length": ""}}}]}
            """#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "two migrations", "database": "shop", "compat": ["spec.json"], "migrations": ["0001.json", "0002.json"]}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertEqual(evidence.item("migrations", "the pending migrations, applied in order")?["outcome"] as? String, "failed", run.transcript)
        XCTAssertTrue((evidence.item("migrations", "the pending migrations, applied in order")?["reason"] as? String ?? "").contains("0002 status length: up fails"), run.transcript)
        XCTAssertEqual(evidence.item("compat", folder.path + "/spec.json")?["outcome"] as? String, "unknown", "passes today, unknown after: \(run.transcript)")
        XCTAssertEqual(evidence.item("migrations", "0002 status length: up succeeds")?["outcome"] as? String, "passed", "alone it passes")
    }

    /// The real collection's unique index is in every copy the gate makes: a migration that
    /// gives two orders the same code fails "up succeeds" as it would in production (its
    /// copy had no index, and passed), and the failure the migration was to fix says why no
    /// fix is credited.
    func testAUniqueIndexOfTheRealCollectionActsOnEachCopy() throws {
        try withClient { client in
            let orders = client.collection("orders", in: database)
            _ = try orders.insertMany([["_id": 1, "status": "new"], ["_id": 2, "status": "new"]])
            _ = try orders.createIndex(["code": 1], options: ["unique": true, "partialFilterExpression": ["code": ["$exists": true]]])
        }
        // A long name makes a reason the console must clip.
        let name = "orders have a code, which the checkout service prints on the receipt and the warehouse reads to pick the parcel, so every order carries one before 2.4 ships"
        try folder.write("spec.json", #"{"preflight": 1, "compat": ""# + name + #"", "collection": "orders", "fields": {"code": {"type": "string", "required": true}}}"#)
        try folder.write("0001.json", #"""
            {"preflight": 1, "migration": "0001 give a code", "database": "shop", "changes": {"orders": {"adds": ["code"]}},
             "up": [{"updateMany": "orders", "filter": {"code": {"$exists": false}}, "update": {"$set": {"code": "X"}}}],
             "down": [{"updateMany": "orders", "filter": {"code": "X"}, "update": {"$unset": {"code": ""}}}]}
            """#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "codes", "database": "shop", "compat": ["spec.json"], "migrations": ["0001.json"]}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        let up = try XCTUnwrap(evidence.item("migrations", "0001 give a code: up succeeds"), run.transcript)
        XCTAssertEqual(up["outcome"] as? String, "failed", run.transcript)
        XCTAssertTrue((up["reason"] as? String ?? "").contains("E11000"), "\(up)")
        XCTAssertEqual(evidence.item("migrations", "the pending migrations, applied in order")?["outcome"] as? String, "failed", run.transcript)
        let compat = try XCTUnwrap(evidence.item("compat", folder.path + "/spec.json"), run.transcript)
        XCTAssertEqual(compat["outcome"] as? String, "failed", run.transcript)
        XCTAssertNil(compat["fixedBy"] as? String, "\(compat)")
        XCTAssertTrue((compat["reason"] as? String ?? "").hasSuffix(
            #" — whether 0001 give a code would fix it is not known: they could not be held to a copy (see "the pending migrations, applied in order")"#), "\(compat)")
        // The console keeps a long reason's end, where that is said.
        let line = try XCTUnwrap(run.lines.first { $0.hasPrefix("✗ compat ") }, run.transcript)
        XCTAssertTrue(line.contains(" … ") && line.hasSuffix("(see \"the pending migrations, applied in order\")"), line)
    }

    /// A database with no orders: each `up` succeeds on the empty copy, which proves
    /// nothing, so the sequence fails as every other check over no document does, even
    /// beside a full collection the migration does not touch (copied for a compat spec).
    func testASequenceAppliedToNoDocumentIsNotAPass() throws {
        try withClient { _ = try $0.collection("customers", in: database).insertMany([["_id": 1, "name": "Ada"]]) }
        try folder.write("spec.json", Self.spec)
        try folder.write("customers.json", #"{"preflight": 1, "compat": "customers are named", "collection": "customers", "fields": {"name": {"type": "string", "required": true}}}"#)
        try folder.write("0001.json", #"""
            {"preflight": 1, "migration": "0001 billed as a bool", "database": "shop", "changes": {"orders": {"changes": ["billed"]}},
             "up": [{"updateMany": "orders", "filter": {"billed": "no"}, "update": {"$set": {"billed": false}}}],
             "down": [{"updateMany": "orders", "filter": {"billed": "never"}, "update": {"$set": {"billed": "no"}}}]}
            """#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "empty", "database": "shop", "compat": ["spec.json", "customers.json"], "migrations": ["0001.json"]}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        let sequence = try XCTUnwrap(evidence.item("migrations", "the pending migrations, applied in order"), run.transcript)
        XCTAssertEqual(sequence["outcome"] as? String, "failed", run.transcript)
        XCTAssertTrue((sequence["reason"] as? String ?? "").hasPrefix("nothing was checked: 0001 billed as a bool ran on a whole copy of "), "\(sequence)")
        XCTAssertTrue((sequence["reason"] as? String ?? "").contains(", where orders holds no document, and every up succeeds on none."), "\(sequence)")
        XCTAssertEqual(evidence.item("compat", folder.path + "/customers.json")?["outcome"] as? String, "passed", run.transcript)
    }

    /// A migration that fixes the data but changes a field it does not declare fails its
    /// own checks: the fix is not credited, and what it would fix still blocks.
    func testAFixByAMigrationThatFailsItsOwnChecksIsNotCredited() throws {
        try withClient { _ = try $0.collection("orders", in: database).insertMany([["_id": 1, "status": "new", "billed": "no"], ["_id": 2, "status": "new", "billed": false]]) }
        try folder.write("spec.json", Self.spec)
        try folder.write("0001.json", #"""
            {"preflight": 1, "migration": "0001 billed as a bool", "database": "shop", "changes": {"orders": {"changes": ["billed"], "adds": ["billed_was"]}},
             "up": [{"updateMany": "orders", "filter": {"billed": "no"}, "update": {"$set": {"billed": false, "billed_was": "no", "touched": true}}}],
             "down": [{"updateMany": "orders", "filter": {"billed_was": "no"}, "update": {"$set": {"billed": "no"}, "$unset": {"billed_was": "", "touched": ""}}}]}
            """#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "broken fix", "database": "shop", "compat": ["spec.json"], "migrations": ["0001.json"]}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertEqual(evidence.item("migrations", "0001 billed as a bool: up changes only the fields declared in changes")?["outcome"] as? String, "failed", run.transcript)
        let compat = try XCTUnwrap(evidence.item("compat", folder.path + "/spec.json"), run.transcript)
        XCTAssertTrue(compat["fixedBy"] is NSNull, "\(compat)")
        XCTAssertEqual(compat["blocks"] as? Bool, true, "\(compat)")
        XCTAssertTrue((compat["reason"] as? String ?? "").contains("would fix it, but the migrations fail their own checks (0001 billed as a bool: up changes only the fields declared in changes: failed), so it is not counted as fixed"), "\(compat)")

        // The checklist lets the migration's failures warn: its fix counts, and the gate is GO.
        let warned = try folder.write("warned.json", #"{"preflight": 1, "checklist": "warned", "database": "shop", "compat": ["spec.json"], "migrations": [{"file": "0001.json", "severity": "warn", "reason": "touched is a marker the next migration removes"}]}"#)
        let (warnedRun, warnedEvidence) = try gate(warned)
        XCTAssertEqual(warnedRun.status, 0, warnedRun.transcript)
        let credited = try XCTUnwrap(warnedEvidence.item("compat", folder.path + "/spec.json"), warnedRun.transcript)
        XCTAssertTrue((credited["fixedBy"] as? String ?? "").hasPrefix("0001 billed as a bool"), "\(credited)")
    }

    /// A migration that leaves a failing compat spec as it was: the item says so in a few
    /// words instead of repeating today's reason for the copy.
    func testAFailureTheMigrationsLeaveAsItWasIsNotWrittenTwice() throws {
        try withClient { _ = try $0.collection("orders", in: database).insertMany([["_id": 1, "status": "new", "billed": "no"], ["_id": 2, "status": "new", "billed": false]]) }
        try folder.write("spec.json", Self.spec)
        try folder.write("0001.json", #"""
            {"preflight": 1, "migration": "0001 a note", "database": "shop", "changes": {"orders": {"adds": ["note"]}},
             "up": [{"updateMany": "orders", "filter": {}, "update": {"$set": {"note": "n"}}}],
             "down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"note": ""}}}]}
            """#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "unrelated", "database": "shop", "compat": ["spec.json"], "migrations": ["0001.json"]}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        let reason = try XCTUnwrap(evidence.item("compat", folder.path + "/spec.json")?["reason"] as? String, run.transcript)
        XCTAssertTrue(reason.hasSuffix(" — the same after 0001 a note"), reason)
        XCTAssertEqual(reason.components(separatedBy: "billed: 1 of 2 documents").count, 2, reason)
    }

    /// Two wrong values among 40: a copy of 10 may not hold them, so the fix is not proved;
    /// a whole copy proves it.
    func testAFixSeenOnlyOnASampleStillBlocks() throws {
        var documents: [BSONDocument] = (1...40).map { ["_id": .int32(Int32($0)), "status": "delivered", "billed": false] }
        documents[3]["billed"] = "no"
        documents[27]["billed"] = "no"
        try withClient { _ = try $0.collection("orders", in: database).insertMany(documents) }
        try folder.write("spec.json", Self.spec)
        try folder.write("0001.json", #"""
            {"preflight": 1, "migration": "0001 billed as a bool", "database": "shop", "changes": {"orders": {"changes": ["billed"], "adds": ["billed_was"]}},
             "up": [{"updateMany": "orders", "filter": {"billed": "no"}, "update": {"$set": {"billed": false, "billed_was": "no"}}}],
             "down": [{"updateMany": "orders", "filter": {"billed_was": "no"}, "update": {"$set": {"billed": "no"}, "$unset": {"billed_was": ""}}}]}
            """#)
        let sampled = try folder.write("sampled.json", #"{"preflight": 1, "checklist": "sampled", "database": "shop", "compat": ["spec.json"], "migrations": [{"file": "0001.json", "copyLimit": 10}]}"#)
        let (run, evidence) = try gate(sampled)
        XCTAssertEqual(run.status, 1, run.transcript)
        let item = try XCTUnwrap(evidence.item("compat", folder.path + "/spec.json"), run.transcript)
        XCTAssertTrue(item["fixedBy"] is NSNull, "\(item)")
        XCTAssertEqual(item["blocks"] as? Bool, true)

        let whole = try folder.write("whole.json", #"{"preflight": 1, "checklist": "whole", "database": "shop", "compat": ["spec.json"], "migrations": [{"file": "0001.json", "copyLimit": 100}]}"#)
        let (fixed, wholeEvidence) = try gate(whole)
        XCTAssertEqual(fixed.status, 0, fixed.transcript)
        XCTAssertTrue((wholeEvidence.item("compat", folder.path + "/spec.json")?["fixedBy"] as? String ?? "").hasPrefix("0001 billed as a bool (verified on a whole copy of orders (40 documents))"),
                      fixed.transcript)
    }

    /// A gate whose only item is an excused skip checked nothing.
    func testAGateWhoseEveryItemIsExcusedIsNOGO() throws {
        try folder.write("skipped.json", #"{"preflight": 1, "name": "s", "tests": [{"name": "on sharded clusters only", "skip": "needs a sharded cluster", "steps": [{"count": "c", "expect": 0}]}]}"#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "excused", "database": "shop", "scenarios": ["skipped.json"], "allowSkipped": {"skipped.json::on sharded clusters only": "staging has no shards"}}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertEqual(evidence.verdict, "NO-GO")
        XCTAssertTrue(evidence.reasons.first?.hasPrefix("the gate checked nothing that held") ?? false, "\(evidence.reasons)")
    }

    /// A validator that is there but off, or only warns, lets any document in.
    func testAValidatorThatIsNotEnforcedFails() throws {
        try withClient {
            try $0.collection("stock", in: database).create(options: ["validator": ["$jsonSchema": ["required": ["sku"]]], "validationLevel": "off"])
            _ = try $0.collection("stock", in: database).insertMany([["_id": 1, "sku": "a"]])
        }
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "validators", "database": "shop", "server": {"validators": {"stock": {"$jsonSchema": {"required": ["sku"]}}}}}"#)
        let (run, evidence) = try gate(checklist)
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue((evidence.item("server", "validators")?["reason"] as? String ?? "").contains(#"validationLevel is "off""#), run.transcript)
    }

    /// A collection reached only through `$lookup` is read too: empty, it fails the live file.
    func testACollectionReachedThroughLookupMustHoldDocuments() throws {
        try withClient { _ = try $0.collection("orders", in: database).insertMany([["_id": 1, "customer_id": "c-1"]]) }
        let live = try folder.write("live.json", #"""
            {"preflight": 1, "name": "joins", "mode": "live", "database": "shop",
             "tests": [{"name": "no order of a blocked customer", "steps": [{"aggregate": "orders", "pipeline": [
               {"$lookup": {"from": "custmers", "localField": "customer_id", "foreignField": "_id", "as": "customer"}},
               {"$match": {"customer.blocked": true}}], "expect": []}]}]}
            """#)
        let run = try runBinary(["run", live, "--uri", try serverURI(naming: database), "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("nothing was checked: \(database).custmers holds no document"), run.transcript)
    }
}
