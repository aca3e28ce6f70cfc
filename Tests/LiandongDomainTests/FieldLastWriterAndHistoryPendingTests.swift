import LiandongDomain
import XCTest

/// field_last_writer and history_pending as plain values (ConflictRules/FieldLastWriter.swift,
/// ConflictRules/HistoryPending.swift), and as CaseHistory asks them.
final class FieldLastWriterAndHistoryPendingTests: XCTestCase {
    typealias F = CaseFixtures

    func testAnUpdateThatDidNotSeeTheWriterKeepsTheOverwrittenValue() throws {
        var h = F.History()
        let acceptance = h.acceptance()
        let villageUpdate = h.make(F.village, .updateContact, ["phone": "13900000001", "seen": ["phone": .string(ChangeRef(acceptance).id.description)]])
        let before = try F.fold(h.changes)
        // The township saw only the acceptance's phone, not the village's update.
        let townshipUpdate = h.make(F.township, .updateContact, ["phone": "13900000002", "address": "新地址",
                                                                  "seen": ["phone": .string(ChangeRef(acceptance).id.description)]])
        let writers = ["phone": ChangeRef(villageUpdate), "address": ChangeRef(acceptance)]
        let records = CaseConflictRules.fieldLastWriter(townshipUpdate, over: before, writers: writers)
        XCTAssertEqual(records.count, 1, "the address it wrote had no `seen`: a correction, not a lost write")
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record.rule, .fieldLastWriter)
        XCTAssertEqual(record.with, ChangeRef(villageUpdate))
        XCTAssertEqual(record.values["fields"]?["phone"], ["winner": "13900000002", "loser": "13900000001"])
        XCTAssertEqual(record.resolver, F.village, "the acceptor")
    }

    func testAnUpdateThatSawTheWriterOrWroteTheSameValueRecordsNothing() throws {
        var h = F.History()
        _ = h.acceptance()
        let villageUpdate = h.make(F.village, .updateContact, ["phone": "13900000001"])
        let before = try F.fold(h.changes)
        let writers = ["phone": ChangeRef(villageUpdate)]
        let saw = h.make(F.township, .updateContact, ["phone": "13900000002", "seen": ["phone": .string(ChangeRef(villageUpdate).id.description)]])
        XCTAssertEqual(CaseConflictRules.fieldLastWriter(saw, over: before, writers: writers), [])
        let same = h.make(F.township, .updateContact, ["phone": "13900000001", "seen": ["phone": "330102001-1"]])
        XCTAssertEqual(CaseConflictRules.fieldLastWriter(same, over: before, writers: writers), [], "nothing was lost")
        XCTAssertEqual(CaseConflictRules.writtenFields(["phone": "", "address": "某地", "mailAddress": .null]), ["address"])
    }

    func testChangesBeforeTheAcceptanceWaitWithARecord() {
        XCTAssertTrue(CaseConflictRules.waitsForAcceptance(.forward, on: nil))
        XCTAssertFalse(CaseConflictRules.waitsForAcceptance(.accept, on: nil))
        XCTAssertFalse(CaseConflictRules.waitsForAcceptance(.refuse, on: nil))
        var h = F.History()
        let waiting = [ChangeRef(h.make(F.village, .forward)), ChangeRef(h.make(F.township, .review))]
        XCTAssertNil(CaseConflictRules.historyPending(h.number, waiting: []))
        let record = CaseConflictRules.historyPending(h.number, waiting: waiting)
        XCTAssertEqual(record?.rule, .historyPending)
        XCTAssertEqual(record?.changes, waiting)
        XCTAssertEqual(record?.values["count"], .int(2))
        let stale = CaseConflictRules.waitedBeforeAcceptance(waiting[0], holder: F.village)
        XCTAssertEqual(stale.rule, .staleTransition)
        XCTAssertEqual(stale.values["reason"], "before_acceptance")
        XCTAssertEqual(stale.resolver, F.village)
    }

    func testAHistoryAsksBothRules() throws {
        var h = F.History()
        let acceptance = h.acceptance()
        let early = h.make(F.village, .forward)
        // The forward sorts after the acceptance but arrived first: it waits, then the replay applies it.
        var history = CaseHistory(number: h.number)
        try history.apply(early, strict: false)
        XCTAssertEqual(history.pendingRecord?.changes, [ChangeRef(early)])
        XCTAssertEqual(CaseHistory(number: h.number, changes: [early, acceptance]).records, [])
        // A forward folded before an acceptance that sorts after it is refused as stale.
        try history.apply(h.make(F.village, .accept, acceptance.payload), strict: false)
        XCTAssertNil(history.pendingRecord)
        XCTAssertEqual(history.records.map(\.rule), [.staleTransition])

        var concurrent = F.History()
        let accepted = concurrent.acceptance()
        let seen: JSONValue = ["phone": .string(ChangeRef(accepted).id.description)]
        _ = concurrent.make(F.village, .updateContact, ["phone": "13900000001", "seen": seen])
        _ = concurrent.make(F.township, .updateContact, ["phone": "13900000002", "seen": seen])
        let contacts = CaseHistory(number: concurrent.number, changes: concurrent.changes)
        XCTAssertEqual(contacts.records.map(\.rule), [.fieldLastWriter])
        XCTAssertEqual(contacts.state?.applicant.phone, "13900000002")
    }
}
