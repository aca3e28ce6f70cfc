import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreVerifyTests: NodeStoreTestCase {
    private let county = NodeStoreTestCase.countyCode

    /// A county with the catalog, the calendar and three cases: 14 catalog changes, then case changes.
    private func makeStoreWithCases() throws -> (store: NodeStore, numbers: [String]) {
        let store = try makeCounty()
        let a = try store.accept().number
        let b = try store.accept(Items.elderCard).number
        try store.approveAndDeliver(b)
        let c = try store.accept(Items.business).number
        try store.act(on: c, .deny, payload: ["reasons": ["经营场所为住宅"]], actor: "审批员-王")
        try store.act(on: a, .review, payload: [:], actor: "审批员-王")
        return (store, [a, b, c])
    }

    private func seq(of kind: CaseAction, in number: String, _ store: NodeStore) throws -> Int64 {
        try XCTUnwrap(try store.changes(ofEntity: number).first { $0.kind == kind.kind }?.seq)
    }

    func testACleanStoreHasNoProblems() throws {
        let (store, numbers) = try makeStoreWithCases()
        let report = try store.verify()
        XCTAssertEqual(report.problems.map(\.code), [])
        XCTAssertEqual(Int64(report.changesChecked), try store.count("SELECT count(*) FROM changes"))
        XCTAssertEqual(report.casesChecked, numbers.count)
        XCTAssertGreaterThanOrEqual(report.signaturesChecked, 1)
        try assertVerifiesClean(try reopen())
    }

    func testAnEditedPayloadIsABadHashNamingTheCaseAndTheChange() throws {
        let (store, numbers) = try makeStoreWithCases()
        let approved = try seq(of: .approve, in: numbers[1], store)
        try rawDatabase().run("UPDATE changes SET payload = ? WHERE origin = ? AND seq = ?",
                              .text(#"{"opinion":"已改"}"#), .text(county), .integer(approved))
        let problems = try store.verify().problems
        let bad = try XCTUnwrap(problems.first { $0.code == "bad_hash" }, "\(problems.map(\.json))")
        XCTAssertEqual(bad.entity, numbers[1])
        XCTAssertEqual(bad.change?.description, "\(county)#\(approved)")
        XCTAssertTrue(bad.message.contains("\(county)#\(approved)") && bad.message.contains(numbers[1]), bad.message)
        XCTAssertEqual(problems.filter { $0.code == "bad_hash" }.count, 1)
    }

    func testAnEditedCatalogChangeIsABadHashNamingTheItem() throws {
        let (store, _) = try makeStoreWithCases()
        try rawDatabase().run("UPDATE changes SET actor = 'intruder' WHERE seq = 5 AND origin = ?", .text(county))
        let entity = try XCTUnwrap(try rawDatabase().query("SELECT entity FROM changes WHERE seq = 5").first?.text("entity"))
        let problems = try store.verify().problems
        XCTAssertEqual(problems.map(\.code), ["bad_hash"])
        XCTAssertEqual(problems.first?.entity, entity)
        XCTAssertEqual(problems.first?.change, ChangeID(origin: county, seq: 5))
    }

    func testAnEditedCaseRowIsStateEdited() throws {
        let (store, numbers) = try makeStoreWithCases()
        let db = try rawDatabase()
        try db.run("UPDATE cases SET state = replace(state, '13812345678', '13800000000') WHERE number = ?", .text(numbers[0]))
        XCTAssertEqual(db.changes, 1)
        let problems = try store.verify().problems
        XCTAssertEqual(problems.map(\.code), ["state_edited"], "\(problems.map(\.json))")
        XCTAssertEqual(problems.first?.entity, numbers[0])
    }

    func testACaseRowRewrittenWithAMatchingHashIsAStateMismatch() throws {
        let (store, numbers) = try makeStoreWithCases()
        let db = try rawDatabase()
        let text = try XCTUnwrap(try db.query("SELECT state FROM cases WHERE number = ?", [.text(numbers[2])]).first?.text("state"))
        let forged = text.replacingOccurrences(of: "\"state\":\"denied\"", with: "\"state\":\"approved\"")
        XCTAssertNotEqual(forged, text)
        try db.run("UPDATE cases SET state = ?, state_hash = ?, status = 'approved' WHERE number = ?",
                   .text(forged), .blob(SHA256.hash(Array(forged.utf8))), .text(numbers[2]))
        let problems = try store.verify().problems
        XCTAssertEqual(problems.map(\.code), ["state_mismatch"])
        XCTAssertEqual(problems.first?.entity, numbers[2])
    }

    func testADeletedCaseRowIsStateMissing() throws {
        let (store, numbers) = try makeStoreWithCases()
        try rawDatabase().run("DELETE FROM cases WHERE number = ?", .text(numbers[1]))
        let problems = try store.verify().problems
        XCTAssertEqual(problems.map(\.code), ["state_missing"])
        XCTAssertEqual(problems.first?.entity, numbers[1])
    }

    func testAChangeDeletedFromTheMiddleBreaksTheSequence() throws {
        let (store, _) = try makeStoreWithCases()
        try rawDatabase().run("DELETE FROM changes WHERE origin = ? AND seq = 7", .text(county))
        let problems = try store.verify().problems
        let gap = try XCTUnwrap(problems.first { $0.code == "sequence_gap" || $0.code == "broken_chain" }, "\(problems.map(\.json))")
        XCTAssertEqual(gap.change, ChangeID(origin: county, seq: 8), "named by the change after the hole")
    }

    func testADeletedCaseChangeIsAlsoASequenceGapAndAStateMismatch() throws {
        let (store, numbers) = try makeStoreWithCases()
        let issued = try seq(of: .issue, in: numbers[1], store)
        try rawDatabase().run("DELETE FROM changes WHERE origin = ? AND seq = ?", .text(county), .integer(issued))
        let codes = Set(try store.verify().problems.map(\.code))
        XCTAssertTrue(codes.contains("sequence_gap"), "\(codes)")
        XCTAssertTrue(codes.contains("state_mismatch"), "\(codes)")
    }

    func testATamperedSignatureOnTheNewestChangeIsBadSignature() throws {
        let (store, _) = try makeStoreWithCases()
        let last = try store.chainHead(of: county).seq
        try flipSignatureBit(seq: last)
        let problems = try store.verify().problems
        XCTAssertEqual(problems.map(\.code), ["bad_signature"])
        XCTAssertEqual(problems.first?.change, ChangeID(origin: county, seq: last))
    }

    func testATamperedSignatureInsideTheChainIsBadSignature() throws {
        // DESIGN §5: verify checks every signature; a receiver may check only the last of a run,
        // but this node would serve the broken one to its parent.
        let (store, _) = try makeStoreWithCases()
        try flipSignatureBit(seq: 3)
        let problems = try store.verify().problems
        XCTAssertEqual(problems.map(\.code), ["bad_signature"])
        XCTAssertEqual(problems.first?.change, ChangeID(origin: county, seq: 3))
    }

    func testDeletingTheNewestChangeIsReported() throws {
        // The log's tail lost (a copy of the file taken mid-way, a hand-made "fix"): the chain head
        // the node keeps still names it.
        let store = try makeCounty(calendar: false)
        try store.setCalendarYear(try Examples.calendar2026(), actor: "admin")
        let last = try store.chainHead(of: county).seq
        try rawDatabase().run("DELETE FROM changes WHERE origin = ? AND seq = ?", .text(county), .integer(last))
        XCTAssertFalse(try store.verify().isClean, "the chain head names #\(last), which the log no longer holds")
    }

    func testAnEditedItemRowIsReported() throws {
        let store = try makeCounty()
        try rawDatabase().run("UPDATE items SET json = replace(json, '\"days\":10', '\"days\":12') WHERE code = ?", .text(Items.relief))
        XCTAssertEqual(try store.item(code: Items.relief)?.promisedLimit.days, 12, "the edit took")
        XCTAssertFalse(try store.verify().isClean, "the items table is derived from the log like the cases")
    }

    private func flipSignatureBit(seq: Int64) throws {
        let db = try rawDatabase()
        var sig = try XCTUnwrap(try db.query("SELECT sig FROM changes WHERE origin = ? AND seq = ?", [.text(county), .integer(seq)]).first?.blob("sig"))
        sig[0] ^= 0x01
        try db.run("UPDATE changes SET sig = ? WHERE origin = ? AND seq = ?", .blob(sig), .text(county), .integer(seq))
    }
}
