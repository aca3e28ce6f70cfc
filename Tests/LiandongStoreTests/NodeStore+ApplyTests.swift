import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

final class NodeStoreApplyTests: NodeStoreTestCase {
    /// Several cases taken through most of the workflow, a day at a time; returns their numbers.
    private func playWorkflows(_ store: NodeStore) throws -> [String] {
        let full = try store.accept(Items.relief).number
        let elder = try store.accept(Items.elderCard, applicant: People.li).number
        let denied = try store.accept(Items.business).number
        let withdrawn = try store.accept().number
        try store.act(on: full, .review, payload: ["opinion": "审查"], actor: "审批员-王")
        try store.act(on: full, .requestSupplement, payload: ["materials": ["hardship_proof", "medical_bills"], "note": "一次补齐"], actor: "审批员-王")
        try store.act(on: withdrawn, .updateContact, payload: ["phone": "13900001111"], actor: "窗口-李")
        clock.set("2026-03-04")
        try store.act(on: full, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "窗口-李")
        try store.act(on: full, .recordSupplement, payload: ["materials": ["medical_bills"]], actor: "窗口-李")
        try store.act(on: full, .extend, payload: ["reason": "入户核查"], actor: "中心主任")
        try store.act(on: full, .startSpecialProcedure, payload: ["procedure": "site_inspection", "reason": "现场勘查"], actor: "审批员-王")
        try store.act(on: withdrawn, .withdraw, payload: ["reason": "申请人不再申请"], actor: "窗口-李")
        clock.set("2026-03-06")
        try store.act(on: full, .endSpecialProcedure, payload: ["result": "属实"], actor: "审批员-王")
        try store.approveAndDeliver(full)
        try store.act(on: full, .evaluate, payload: ["level": 5, "comment": "太慢"], actor: "窗口-李")
        try store.approveAndDeliver(elder)
        try store.act(on: denied, .deny, payload: ["reasons": ["经营场所为住宅"]], actor: "审批员-王")
        clock.set("2026-03-09")
        try store.act(on: full, .closeFollowUp, payload: ["result": "已回访"], actor: "督查室")
        return [full, elder, denied, withdrawn]
    }

    func testIncrementalStateEqualsAFreshReplayOfTheLog() throws {
        let store = try makeCounty()
        let numbers = try playWorkflows(store)
        for number in numbers {
            let changes = try store.changes(ofEntity: number)
            let replay = CaseReplay(changes: changes)
            XCTAssertTrue(replay.rejected.isEmpty, "\(number): \(replay.rejected.map(\.error))")
            XCTAssertEqual(try store.caseState(number), replay.state, number)
            XCTAssertEqual(CaseReplay(changes: changes.reversed()).state, replay.state, "\(number): order of storage does not matter")
        }
        XCTAssertEqual(try store.caseState(numbers[0])?.status, .delivered)
        XCTAssertEqual(try store.caseState(numbers[0])?.evaluation?.followUp?.closedOn?.iso, "2026-03-09")
        XCTAssertEqual(try store.caseState(numbers[2])?.status, .denied)
        XCTAssertEqual(try store.caseState(numbers[3])?.status, .withdrawn)
    }

    func testTheCasesTableHoldsTheCanonicalStateAndItsSHA256() throws {
        let store = try makeCounty()
        let numbers = try playWorkflows(store)
        let rows = try rawDatabase().query("SELECT number, status, state, state_hash, last_hlc, last_origin, last_seq FROM cases ORDER BY number")
        XCTAssertEqual(rows.compactMap { $0.text("number") }, numbers.sorted())
        for row in rows {
            let number = try XCTUnwrap(row.text("number"))
            let replayed = try XCTUnwrap(CaseReplay(changes: try store.changes(ofEntity: number)).state)
            let canonical = replayed.json.canonicalBytes
            XCTAssertEqual(row.text("state"), String(decoding: canonical, as: UTF8.self), number)
            XCTAssertEqual(row.blob("state_hash"), SHA256.hash(canonical), number)
            XCTAssertEqual(row.text("status"), replayed.status.rawValue)
            let last = try XCTUnwrap(try store.changes(ofEntity: number).max(by: Change.precedes))
            XCTAssertEqual(row.int64("last_hlc"), last.hlc.rawValue)
            XCTAssertEqual(row.text("last_origin"), last.origin)
            XCTAssertEqual(row.int64("last_seq"), last.seq)
        }
    }

    /// A later change of a case leaves the identity columns (item, acceptor, applicant, acceptance)
    /// out of the upsert; a row whose identity differs from the log's is still set right by it.
    func testEveryColumnOfARowMatchesTheLogAfterLaterChanges() throws {
        let store = try makeCounty()
        let numbers = try playWorkflows(store)
        XCTAssertEqual(try store.verify().problems.map(\.code), [])
        let number = numbers[1]
        try rawDatabase().run("UPDATE cases SET acceptor = 'x', accepted_on = '1999-01-01', opened_hlc = 1 WHERE number = ?", .text(number))
        try store.act(on: number, .evaluate, payload: ["level": 4], actor: "窗口-李")
        XCTAssertEqual(try store.verify().problems.map(\.code), [], "the next write of the case rewrote its identity from the state")
        let row = try XCTUnwrap(try rawDatabase().query("SELECT acceptor, accepted_on FROM cases WHERE number = ?", [.text(number)]).first)
        XCTAssertEqual(row.text("acceptor"), try store.caseState(number)?.acceptor)
        XCTAssertNotEqual(row.text("accepted_on"), "1999-01-01")
    }

    func testStateFromTheCacheEqualsStateAfterReopen() throws {
        var store: NodeStore? = try makeCounty()
        let numbers = try playWorkflows(try XCTUnwrap(store))
        let cached = try numbers.map { try store?.caseState($0) }
        store = nil
        let reopened = try reopen()
        XCTAssertEqual(try numbers.map { try reopened.caseState($0) }, cached)
        XCTAssertNil(try reopened.caseState("330106-20260302-0099"))
        // And the reopened store goes on from there.
        let next = try reopened.accept()
        XCTAssertEqual(next.number, "330106-20260309-0001")
    }

    func testAChangeThatSortsBeforeTheLastIsReplayedIntoPlace() throws {
        let store = try makeCounty()
        let village = "330106001201"
        let accepted = try store.accept(Items.relief, collectAt: village)
        let first = try store.act(on: accepted.number, .updateContact, payload: ["phone": "13900001111"], actor: "窗口-李")
        clock.advance(millis: 60_000)
        try store.act(on: accepted.number, .updateContact, payload: ["phone": "13900002222"], actor: "窗口-李")
        // The village changed the phone between the county's two edits, but its change arrives last.
        let stamp = first.contactStamp?.hlc ?? .zero
        let villageKey = try Ed25519SigningKey()
        var late = Change(
            origin: village, seq: 1, hlc: HLC(physicalMillis: stamp.physicalMillis, logical: stamp.logical + 1), wall: clock.now - 30_000,
            actor: "代办员-赵", entity: accepted.number, kind: CaseAction.updateContact.kind, payload: ["address": "新地址 5 号"],
            parties: accepted.parties, prev: Change.zeroHash)
        late.hash = SHA256.hash(late.signingBody)
        late.sig = try villageKey.sign(late.hash)
        try store.db.write { db in
            try db.run("INSERT INTO nodes (code, role, name, public_key, registered_hlc) VALUES (?, 'village', '某村', ?, 1)",
                       .text(village), .blob(villageKey.publicKey))
            try store.insert(late, source: "330106001", db: db)
            try store.materialize(late, db: db, strict: false)
        }
        let state = try XCTUnwrap(try store.caseState(accepted.number))
        XCTAssertEqual(state, CaseReplay(changes: try store.changes(ofEntity: accepted.number)).state)
        XCTAssertEqual(state.applicant.phone, "13900002222", "the county's later edit still wins")
        XCTAssertEqual(state.applicant.address, "新地址 5 号")
        XCTAssertEqual(state.timeline.map(\.origin), ["330106", "330106", village, "330106"], "the late change sits in its place")
        let row = try XCTUnwrap(try rawDatabase().query("SELECT state FROM cases WHERE number = ?", [.text(accepted.number)]).first)
        XCTAssertEqual(row.text("state"), state.json.canonicalString)
        try assertVerifiesClean(store)
    }

    func testAStoreSeesCaseChangesRecordedThroughAnotherStoreOnTheSameDatabase() throws {
        // The CLI and `serve` each open the node: neither may act on a state the other has moved past.
        let serve = try makeCounty()
        let number = try serve.accept().number
        XCTAssertEqual(try serve.caseState(number)?.status, .accepted)
        let cli = try reopen()
        try cli.act(on: number, .approve, payload: [:], actor: "审批员-王")
        XCTAssertEqual(try serve.caseState(number)?.status, .approved, "serve's cached state is stale")
        XCTAssertThrowsError(try serve.act(on: number, .approve, payload: [:], actor: "审批员-王"), "approving twice is refused")
        try assertVerifiesClean(serve)
    }
}
