import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreRecordTests: NodeStoreTestCase {
    private func calendarDraft(_ year: Int = 2027) -> ChangeDraft {
        ChangeDraft(actor: "admin", entity: EntityName.calendar(year), kind: CatalogKind.calendarYearSet,
                    payload: ["year": .int(Int64(year)), "holidays": [], "workdays": []])
    }

    func testSequenceNumbersAreOneTwoThreeWithoutGapsForTheOrigin() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        let first = try store.record(calendarDraft())
        let batch = try store.record([calendarDraft(), calendarDraft(2028)])
        let state = try makeCase(store)
        XCTAssertEqual([first.seq] + batch.map(\.seq), [1, 2, 3])
        let seqs = try rawDatabase().query("SELECT seq FROM changes WHERE origin = ? ORDER BY lsn", [.text(store.identity.code)]).compactMap { $0.int64("seq") }
        XCTAssertEqual(seqs, Array(1...Int64(seqs.count)))
        XCTAssertEqual(try store.chainHead(of: store.identity.code).seq, Int64(seqs.count))
        XCTAssertEqual(state.timeline.first?.seq, Int64(seqs.count))
    }

    func testEachChangeLinksToTheHashOfThePreviousAndTheFirstToZeros() throws {
        let store = try makeCounty()
        try makeCase(store)
        let changes = try rawDatabase().storedChanges()
        XCTAssertGreaterThan(changes.count, 3)
        XCTAssertEqual(changes[0].seq, 1)
        XCTAssertEqual(changes[0].prev, [UInt8](repeating: 0, count: 32))
        for (previous, change) in zip(changes, changes.dropFirst()) {
            XCTAssertEqual(change.prev, previous.hash, "\(change.origin)#\(change.seq) links to #\(previous.seq)")
        }
        let head = try store.chainHead(of: store.identity.code)
        XCTAssertEqual(head.seq, changes.last?.seq)
        XCTAssertEqual(head.hash, changes.last?.hash)
    }

    func testTheHashIsTheSHA256OfTheCanonicalSigningBody() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        let made = try store.record(calendarDraft())
        let stored = try XCTUnwrap(try rawDatabase().storedChanges().first)
        XCTAssertEqual(stored.hash, SHA256.hash(stored.signingBody))
        XCTAssertEqual(stored.hash, made.hash)
        XCTAssertEqual(stored, made, "what record returns is what was stored")
        var altered = stored
        altered.actor = "someone else"
        XCTAssertNotEqual(SHA256.hash(altered.signingBody), stored.hash)
    }

    func testTheSignatureVerifiesWithTheNodeKeyAndFailsForAFlippedBit() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        let change = try store.record(calendarDraft())
        let key = try Ed25519PublicKey(store.identity.publicKey)
        XCTAssertTrue(key.isValidSignature(change.sig, for: change.hash))
        var badSig = change.sig
        badSig[10] ^= 0x01
        XCTAssertFalse(key.isValidSignature(badSig, for: change.hash))
        var badHash = change.hash
        badHash[0] ^= 0x80
        XCTAssertFalse(key.isValidSignature(change.sig, for: badHash))
        let stranger = try Ed25519PublicKey(try Ed25519SigningKey().publicKey)
        XCTAssertFalse(stranger.isValidSignature(change.sig, for: change.hash))
    }

    func testHLCIncreasesWhenTheClockIsSetBackAndWithinOneMillisecond() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        var hlcs: [HLC] = []
        hlcs.append(try store.record(calendarDraft()).hlc)
        hlcs += try store.record([calendarDraft(), calendarDraft(), calendarDraft()]).map(\.hlc)  // the same millisecond
        clock.advance(millis: -3_600_000)  // the PC's clock set back an hour
        hlcs.append(try store.record(calendarDraft()).hlc)
        hlcs.append(try store.record(calendarDraft()).hlc)
        clock.advance(millis: 7_200_000)
        hlcs.append(try store.record(calendarDraft()).hlc)
        for (a, b) in zip(hlcs, hlcs.dropFirst()) { XCTAssertLessThan(a, b, "\(a) then \(b)") }
        XCTAssertEqual(hlcs[1].physicalMillis, hlcs[0].physicalMillis)
        XCTAssertEqual(hlcs[1].logical, hlcs[0].logical + 1)
        XCTAssertEqual(hlcs.last?.physicalMillis, clock.now, "a clock ahead again is followed")
    }

    func testTheWallTimeIsTheClockEvenWhenTheHLCRunsAhead() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        _ = try store.record(calendarDraft())
        clock.advance(millis: -60_000)
        let change = try store.record(calendarDraft())
        XCTAssertEqual(change.wall, clock.now, "the legal record keeps what the clock said")
        XCTAssertGreaterThan(change.hlc.physicalMillis, change.wall)
    }

    func testAReopenedStoreNeverIssuesAnHLCAtOrBelowTheLast() throws {
        var store: NodeStore? = try makeCounty(catalog: false, calendar: false)
        _ = try store?.record([calendarDraft(), calendarDraft(), calendarDraft()])
        let last = try XCTUnwrap(try store?.record(calendarDraft()).hlc)
        store = nil
        clock.advance(millis: -86_400_000)  // reopened with the clock a day behind
        let reopened = try reopen()
        let next = try reopened.record(calendarDraft()).hlc
        XCTAssertGreaterThan(next, last)
        XCTAssertEqual(try reopened.count("SELECT hlc FROM node WHERE id = 1"), next.rawValue, "the node row keeps the last reading")
    }

    func testTwoStoresOnOneDatabaseIssueHLCsInSequenceOrder() throws {
        // The CLI records while `serve` has the node open: a change made after another sorts after it.
        let serve = try makeCounty(catalog: false, calendar: false)
        let cli = try reopen()
        _ = try serve.record([calendarDraft(), calendarDraft(), calendarDraft()])
        _ = try cli.record(calendarDraft())
        _ = try serve.record(calendarDraft())
        clock.advance(millis: -1000)
        _ = try cli.record(calendarDraft())
        let changes = try rawDatabase().storedChanges()
        XCTAssertEqual(changes.map(\.seq), [1, 2, 3, 4, 5, 6])
        for (a, b) in zip(changes, changes.dropFirst()) {
            XCTAssertLessThan(a.hlc, b.hlc, "#\(a.seq) \(a.hlc) then #\(b.seq) \(b.hlc)")
        }
    }

    func testCaseChangesCarryTheCasePartiesAndCatalogChangesCarryEveryone() throws {
        let store = try makeCounty()
        let township = "330106001"
        let accepted = try store.accept(Items.relief, collectAt: township)
        XCTAssertThrowsError(try store.act(on: accepted.number, .transfer, payload: ["to": "330106002", "reason": "属地管辖"], actor: "审批员-王")) { error in
            XCTAssertEqual((error as? StoreError)?.code, "transfer_target_unknown", "only to a registered node")
        }
        try store.trust(code: "330106002", role: .township, name: "双浦镇", publicKey: [UInt8](repeating: 7, count: 32))
        let transferred = try store.act(on: accepted.number, .transfer, payload: ["to": "330106002", "reason": "属地管辖"], actor: "审批员-王")
        let db = try rawDatabase()
        let caseChanges = try db.storedChanges(where: "entity = ?", [.text(accepted.number)])
        XCTAssertEqual(caseChanges.map(\.parties), [["330106", township], ["330106", township, "330106002"]])
        XCTAssertEqual(transferred.parties, ["330106", township, "330106002"])
        let lsn = try XCTUnwrap(db.scalarInt("SELECT lsn FROM changes WHERE entity = ? AND seq = ?", [.text(accepted.number), .integer(caseChanges[1].seq)]))
        let routed = try db.query("SELECT party FROM routes WHERE lsn = ? ORDER BY party", [.integer(lsn)]).compactMap { $0.text("party") }
        XCTAssertEqual(routed, ["330106", township, "330106002"], "one routing row per party")

        let catalogChanges = try db.storedChanges(where: "kind IN (?, ?)", [.text(CatalogKind.itemPublished), .text(CatalogKind.calendarYearSet)])
        XCTAssertEqual(catalogChanges.count, 14, "13 items and one calendar year")
        XCTAssertTrue(catalogChanges.allSatisfy { $0.parties == [EntityName.everyone] })
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM routes WHERE party = '*'"), 14)
    }

    func testARefusedTransitionThrowsAndWritesNothing() throws {
        let store = try makeCounty()
        let accepted = try store.accept()
        let db = try rawDatabase()
        let before = try snapshot(db)
        let cachedBefore = try store.caseState(accepted.number)

        XCTAssertThrowsError(try store.act(on: accepted.number, .deliver, payload: ["method": "collected"], actor: "窗口-李")) { error in
            guard case CaseError.transitionNotAllowed(let action, let status, _) = error else {
                return XCTFail("expected transitionNotAllowed, got \(error)")
            }
            XCTAssertEqual(action, .deliver)
            XCTAssertEqual(status, .accepted)
        }
        XCTAssertEqual(try snapshot(db), before, "log, chain head, case row, routing keys and node clock are unchanged")
        XCTAssertEqual(try store.caseState(accepted.number), cachedBefore)

        // A batch whose second change is refused rolls back the first too, cache included.
        XCTAssertThrowsError(try store.record([
            ChangeDraft(actor: "审批员-王", entity: accepted.number, kind: CaseAction.approve.kind, payload: [:]),
            ChangeDraft(actor: "窗口-李", entity: accepted.number, kind: CaseAction.deliver.kind, payload: ["method": "collected"]),
        ]))
        XCTAssertEqual(try snapshot(db), before)
        XCTAssertEqual(try store.caseState(accepted.number)?.status, .accepted, "the approval cached during the batch is gone")

        let approved = try store.act(on: accepted.number, .approve, payload: [:], actor: "审批员-王")
        XCTAssertEqual(approved.status, .approved)
        XCTAssertEqual(approved.timeline.map(\.seq), [before.head, before.head + 1], "the next change takes the next seq: no gap")
        XCTAssertEqual(CaseReplay(changes: try store.changes(ofEntity: accepted.number)).state, approved)
    }

    func testActOnAnUnknownCaseIsCaseNotFoundAndWritesNothing() throws {
        let store = try makeCounty()
        let before = try snapshot(try rawDatabase())
        XCTAssertThrowsError(try store.act(on: "330106-20260302-0099", .approve, payload: [:], actor: "审批员-王")) { error in
            XCTAssertEqual(error as? CaseError, .caseNotFound("330106-20260302-0099"))
        }
        XCTAssertThrowsError(try store.record(ChangeDraft(actor: "x", entity: "330106-20260302-0099", kind: CaseAction.approve.kind, payload: [:])))
        XCTAssertThrowsError(try store.record(ChangeDraft(actor: "x", entity: "whatever", kind: "case.teleported", payload: [:])))
        XCTAssertThrowsError(try store.record(ChangeDraft(actor: "x", entity: "whatever", kind: "registry.mystery", payload: [:])))
        XCTAssertEqual(try snapshot(try rawDatabase()), before)
    }

    // MARK: - helpers

    @discardableResult
    private func makeCase(_ store: NodeStore) throws -> CaseState {
        if try store.item(code: Items.relief) == nil { try store.importCatalog(try Examples.catalog(), actor: "admin") }
        return try store.accept()
    }

    private struct Snapshot: Equatable {
        var changes: Int64
        var head: Int64
        var headHash: [UInt8]
        var parties: Int64
        var cases: [Row]
        var counters: [Row]
        var nodeHLC: Int64
    }

    private func snapshot(_ db: Database) throws -> Snapshot {
        let head = try db.query("SELECT last_seq, last_hash FROM origins WHERE origin = ?", [.text(NodeStoreTestCase.countyCode)]).first
        return Snapshot(
            changes: try db.scalarInt("SELECT count(*) FROM changes") ?? -1, head: head?.int64("last_seq") ?? 0,
            headHash: head?.blob("last_hash") ?? [], parties: try db.scalarInt("SELECT count(*) FROM routes") ?? -1,
            cases: try db.query("SELECT * FROM cases ORDER BY number"), counters: try db.query("SELECT * FROM case_counters ORDER BY day"),
            nodeHLC: try db.scalarInt("SELECT hlc FROM node") ?? -1)
    }
}
