import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

/// Conflicts come from changes made elsewhere that the rules do not apply (DESIGN §6). Until sync
/// lands, such a change is stored here the way ingest will store it: insert, then a non-strict materialize.
final class NodeStoreConflictsTests: NodeStoreTestCase {
    private let township = "330106001"

    /// A change signed by a node the registry knows, made "elsewhere" at the given HLC.
    private func foreignChange(_ key: Ed25519SigningKey, origin: String, seq: Int64, hlc: HLC, entity: String, kind: String,
                               payload: JSONValue, parties: [String]) throws -> Change {
        var change = Change(origin: origin, seq: seq, hlc: hlc, wall: hlc.physicalMillis, actor: "窗口-周", entity: entity, kind: kind,
                            payload: payload, parties: parties, prev: Change.zeroHash)
        change.hash = SHA256.hash(change.signingBody)
        change.sig = try key.sign(change.hash)
        return change
    }

    private func store(_ change: Change, in store: NodeStore) throws {
        try store.db.write { db in
            try store.insert(change, source: change.origin, db: db)
            try store.materialize(change, db: db, strict: false)
        }
    }

    private func register(_ code: String, role: Role, key: Ed25519SigningKey, in store: NodeStore) throws {
        try store.db.run("INSERT INTO nodes (code, role, name, public_key, registered_hlc) VALUES (?, ?, ?, ?, 1)",
                         .text(code), .text(role.rawValue), .text(code), .blob(key.publicKey))
    }

    func testARefusedForeignChangeIsKeptAndRecordedAsAConflict() throws {
        let county = try makeCounty()
        let key = try Ed25519SigningKey()
        try register(township, role: .township, key: key, in: county)
        let accepted = try county.accept(Items.relief, collectAt: township)
        clock.advance(millis: 1000)
        // The township delivers a result that was never issued.
        let deliver = try foreignChange(key, origin: township, seq: 1, hlc: HLC(physicalMillis: clock.now, logical: 0), entity: accepted.number,
                                        kind: CaseAction.deliver.kind, payload: ["method": "collected"], parties: accepted.parties)
        try store(deliver, in: county)

        XCTAssertEqual(try county.changes(ofEntity: accepted.number).count, 2, "kept in the log")
        XCTAssertEqual(try county.caseState(accepted.number), accepted, "not applied")
        let conflicts = try county.conflicts()
        XCTAssertEqual(conflicts.count, 1)
        let conflict = try XCTUnwrap(conflicts.first)
        XCTAssertEqual(conflict["entity"], .string(accepted.number))
        XCTAssertEqual(conflict["rule"], "transition_not_allowed")
        XCTAssertEqual(conflict["change"], .string("\(township)#1"))
        XCTAssertEqual(conflict["kind"], .string(CaseAction.deliver.kind))
        XCTAssertEqual(conflict["resolver"], .string(NodeStoreTestCase.countyCode), "the county resolves")
        XCTAssertEqual(conflict["payload"], ["method": "collected"], "what was refused stays visible")

        // The refused change does not block what follows.
        clock.advance(millis: 1000)
        let approved = try county.act(on: accepted.number, .approve, payload: [:], actor: "审批员-王")
        XCTAssertEqual(approved.status, .approved)
        try assertVerifiesClean(county)
    }

    func testTheSameConflictIsRecordedOnceWithAnIdFromTheChangeAlone() throws {
        let county = try makeCounty()
        let key = try Ed25519SigningKey()
        try register(township, role: .township, key: key, in: county)
        let accepted = try county.accept(Items.relief, collectAt: township)
        let deliver = try foreignChange(key, origin: township, seq: 1, hlc: HLC(physicalMillis: clock.now + 1, logical: 0), entity: accepted.number,
                                        kind: CaseAction.deliver.kind, payload: ["method": "collected"], parties: accepted.parties)
        try store(deliver, in: county)
        let id = try XCTUnwrap(try county.conflicts().first?["id"])
        try county.db.write { db in try county.replayCase(accepted.number, db: db) }
        try county.db.write { db in try county.replayCase(accepted.number, db: db) }
        XCTAssertEqual(try county.conflicts().map { $0["id"] }, [id], "a replay rewrites the same record")
        let expected = String(SHA256.hex(Array("\(accepted.number)|\(township)|1|transition_not_allowed".utf8)).prefix(16))
        XCTAssertEqual(id, .string(expected), "every node holding the change derives the same id")
    }

    func testAnUnknownKindFromElsewhereIsKeptAsAConflict() throws {
        let county = try makeCounty()
        let key = try Ed25519SigningKey()
        try register(township, role: .township, key: key, in: county)
        let future = try foreignChange(key, origin: township, seq: 1, hlc: HLC(physicalMillis: clock.now, logical: 5), entity: "settings",
                                       kind: "settings.rating_days_set", payload: ["days": 15], parties: ["*"])
        try store(future, in: county)
        let conflict = try XCTUnwrap(try county.conflicts().first)
        XCTAssertEqual(conflict["rule"], "unknown_kind")
        XCTAssertEqual(conflict["entity"], "settings")
        XCTAssertEqual(try county.changes(ofEntity: "settings").count, 1)
    }

    func testACatalogItemFromATownshipIsNotAuthorized() throws {
        let county = try makeCounty()
        let key = try Ed25519SigningKey()
        try register(township, role: .township, key: key, in: county)
        var item = try XCTUnwrap(try county.item(code: Items.relief))
        item.promisedLimit = TimeLimit(days: 1, unit: .working)
        item.version = 9
        let forged = try foreignChange(key, origin: township, seq: 1, hlc: HLC(physicalMillis: clock.now + 10, logical: 0),
                                       entity: EntityName.item(item.code), kind: CatalogKind.itemPublished, payload: item.json, parties: ["*"])
        try store(forged, in: county)
        XCTAssertEqual(try county.item(code: Items.relief)?.version, 1, "the county's item stands")
        XCTAssertEqual(try county.conflicts().first?["rule"], "not_authorized")
    }
}
