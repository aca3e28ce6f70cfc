import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// One bad change never blocks the rest, and the sender learns why (DESIGN §7).
final class SyncQuarantineTests: SyncTestCase {
    /// Appends a change signed with the node's own key behind liandong's back: no reducer check.
    func forge(at code: String, entity: String, kind: String, payload: JSONValue, parties: [String]) throws -> Change {
        let store = store(code)
        let head = try store.chainHead(of: code)
        let wall = store.now()
        var change = Change(
            origin: code, seq: head.seq + 1, hlc: store.clock.tick(now: wall), wall: wall, actor: "伪造者", entity: entity, kind: kind,
            payload: payload, parties: parties, prev: head.hash)
        change.hash = SHA256.hash(change.signingBody)
        change.sig = try KeyFile.read(from: directory(code)).sign(change.hash)
        try store.db.write { db in try store.insert(change, source: nil, db: db) }
        return change
    }

    func testAForgedVillageApprovalIsQuarantinedUpstreamWhileTheRestLandsAndTheVillageIsTold() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        let number = try accept(at: Tree.village, item: Items.countyDecided)
        let parties = try store(Tree.village).caseState(number)?.parties ?? []
        let forged = try forge(at: Tree.village, entity: number, kind: CaseAction.approve.kind, payload: ["opinion": "自批"], parties: parties)
        try store(Tree.village).act(on: number, .updateContact, payload: ["phone": "13900000000"], actor: "村-王")

        let outcome = try sync(Tree.village)
        XCTAssertEqual(outcome.pushed, 2, "the acceptance and the contact change land")
        XCTAssertEqual(outcome.quarantined.map(\.reason), [QuarantineReason.notAuthorized])
        XCTAssertEqual(outcome.quarantined.first?.seq, forged.seq)
        XCTAssertFalse(try holds(Tree.township, origin: Tree.village, seq: forged.seq))
        XCTAssertTrue(try holds(Tree.township, origin: Tree.village, seq: forged.seq + 1))
        XCTAssertEqual(try store(Tree.township).caseState(number)?.status, .accepted)
        XCTAssertEqual(try store(Tree.township).caseState(number)?.applicant.phone, "13900000000")

        let reports = try store(Tree.village).receivedReports()
        XCTAssertEqual(reports.map(\.seq), [forged.seq])
        XCTAssertEqual(reports.first?.hash, Hex.encode(forged.hash))
        let status = try NodeStatus.json(store(Tree.village))
        XCTAssertEqual(status["sync"]?["reports"]?.arrayValue?.first?["reason"]?.stringValue, QuarantineReason.notAuthorized)

        // The township's own sync takes the rest to the county; the hello there reports the
        // quarantine at the township to nobody else, and a second village exchange still reports it.
        try sync(Tree.township)
        XCTAssertTrue(try holds(Tree.county, origin: Tree.village, seq: forged.seq + 1))
        // A report whose change has since landed upstream (here a stale one left over) disappears at the next hello.
        try store(Tree.village).storeReports([SyncReport(origin: Tree.village, seq: 1, hash: String(repeating: "0", count: 64), reason: "bad_hash", message: "旧报告")])
        XCTAssertEqual(try store(Tree.village).receivedReports().count, 2)
        XCTAssertEqual(try sync(Tree.village).quarantined.map(\.seq), [forged.seq], "hello repeats the report")
        XCTAssertEqual(try store(Tree.village).receivedReports().map(\.seq), [forged.seq], "the stale report is gone, the standing one stays")
    }

    func testAChangeAlteredInTransitIsQuarantinedAsBadHash() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        let change = try store(Tree.village).changes(ofEntity: number)[0]
        guard case .object(var wire) = change.wireJSON, case .object(var payload) = wire["payload"] ?? .null else {
            return XCTFail("wire form is an object")
        }
        payload["altered"] = "yes"
        wire["payload"] = .object(payload)
        let body = JSONValue.object(["protocol": 1, "changes": [.object(wire)]]).canonicalBytes
        let response = try rawRequest(to: Tree.township, "push", as: Tree.village, body: body)
        XCTAssertEqual(response.status, 200, response.text)
        let answer = try json(response)
        XCTAssertEqual(answer["stored"]?.intValue, 0)
        XCTAssertEqual(answer["quarantined"]?.arrayValue?.first?["reason"]?.stringValue, QuarantineReason.badHash)
        XCTAssertFalse(try holds(Tree.township, origin: Tree.village, seq: change.seq))
        XCTAssertEqual(try count(Tree.township, "SELECT count(*) FROM quarantine WHERE reason = 'bad_hash'"), 1)

        // The real change still goes through afterwards.
        XCTAssertEqual(try sync(Tree.village).pushed, 1)
        XCTAssertTrue(try holds(Tree.township, origin: Tree.village, seq: change.seq))
    }

    func testAChangeThatDoesNotDecodeIsQuarantinedAsMalformedAndTheRestLands() throws {
        try makeNodes([Tree.township, Tree.village])
        try serve(Tree.township)
        try store(Tree.village).trust(code: Tree.township, role: .township, name: "镇", publicKey: store(Tree.township).identity.publicKey)
        // A village change that is not a case change: a calendar entry the township will refuse as
        // not authorized; what matters here is the malformed neighbour beside it.
        let good = try forge(at: Tree.village, entity: "note:1", kind: "note.added", payload: ["text": "x"], parties: ["*"])
        guard case .object(var fields) = good.wireJSON else { return XCTFail("wire form is an object") }
        fields["seq"] = 99
        fields["hlc"] = "not a number"
        let bad = JSONValue.object(fields)
        let body = JSONValue.object(["protocol": 1, "changes": [good.wireJSON, bad]]).canonicalBytes
        let response = try rawRequest(to: Tree.township, "push", as: Tree.village, body: body)
        XCTAssertEqual(response.status, 200, response.text)
        let reports = try json(response)["quarantined"]?.arrayValue ?? []
        let malformed = reports.first { $0["reason"]?.stringValue == "malformed_change" }
        XCTAssertEqual(malformed?["seq"]?.intValue, 99)
        XCTAssertTrue(malformed?["message"]?.stringValue?.contains("hlc") ?? false, "names the field: \(response.text)")
        XCTAssertTrue(try holds(Tree.township, origin: Tree.village, seq: good.seq), "the decodable change lands")
    }
}
