import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

/// possible_duplicate in a group of thousands of cases (one applicant, one item, years of
/// applications): only the cases open at the same time make records, one per set of cases linked
/// by overlaps, at the village that made them and at the county that receives them out of order,
/// and verify re-derives exactly those.
final class NodeStoreDuplicatesTests: NodeStoreTestCase {
    static let village = "330106001201"

    private func tick() { clock.advance(millis: 1_000) }

    /// The possible duplicates held by a node, as sets of case numbers, each checked to be on all of its cases.
    private func duplicateSets(_ node: NodeStore, file: StaticString = #filePath, line: UInt = #line) throws -> Set<[String]> {
        let records = try node.conflicts().filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }
        for record in records {
            XCTAssertEqual(record.entities.sorted(), record.detail["cases"]?.arrayValue?.compactMap(\.stringValue), record.id, file: file, line: line)
        }
        return Set(records.map { $0.entities.sorted() })
    }

    private func withdraw(_ node: NodeStore, _ number: String) throws {
        try node.act(on: number, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
    }

    func testOnlyTheCasesOpenAtTheSameTimeInAGroupOfThousandsAreDuplicates() throws {
        let county = try makeCounty()
        let village = try NodeStore.initialize(directory: nodeDirectory("village"), role: .village, code: Self.village, name: "某村", now: clock.closure)
        try county.trust(code: Self.village, role: .village, name: "某村", publicKey: village.identity.publicKey)
        try village.trust(code: Self.countyCode, role: .county, name: "县", publicKey: county.identity.publicKey)
        _ = try village.ingest(try county.changes(afterLSN: 0, limit: 100_000).map(\.change), from: Self.countyCode)

        // 2,000 cases of one applicant and item, each withdrawn before the next is accepted, and a
        // few accepted while another is open: E1 around r500 and r501, E2 inside r1200, E3 with the
        // last case, still open. Another applicant and another item open beside r300 are no duplicates.
        var regular: [String] = []
        var extra: [String: String] = [:]
        for i in 0..<2_000 {
            if i == 500 { extra["E1"] = try village.accept().number; tick() }
            if i == 300 {
                extra["li"] = try village.accept(applicant: People.li).number
                extra["elder"] = try village.accept(Items.elderCard).number
                tick()
            }
            let number = try village.accept().number
            regular.append(number)
            tick()
            if i == 501, let e1 = extra["E1"] { try withdraw(village, e1); tick() }
            if i == 1_200 { extra["E2"] = try village.accept().number; tick() }
            if i == 1_999 { extra["E3"] = try village.accept().number; tick(); break }
            try withdraw(village, number)
            tick()
            if i == 1_200, let e2 = extra["E2"] { try withdraw(village, e2); tick() }
        }
        let (e1, e2, e3) = try (XCTUnwrap(extra["E1"]), XCTUnwrap(extra["E2"]), XCTUnwrap(extra["E3"]))
        // E1 overlaps r500 and r501 (which never meet): one set of three.
        let expected: Set<[String]> = [[e1, regular[500], regular[501]].sorted(), [regular[1_200], e2].sorted(), [regular[1_999], e3].sorted()]
        XCTAssertEqual(try duplicateSets(village), expected)

        // The county receives the village's log in batches, every other pair of batches swapped (a
        // case whose acceptance arrives after its withdrawal is replayed), and r10's withdrawal last:
        // until it arrives r10 is open beside every later case.
        let log = try village.changes(afterLSN: 0, limit: 100_000).map(\.change).filter { $0.origin == Self.village }
        let heldBack = try XCTUnwrap(log.first { $0.entity == regular[10] && $0.kind == CaseAction.withdraw.kind })
        var batches = stride(from: 0, to: log.count, by: 173).map { Array(log[$0..<min($0 + 173, log.count)]).filter { $0.seq != heldBack.seq } }
        for k in stride(from: 0, to: batches.count - 1, by: 2) { batches.swapAt(k, k + 1) }
        for batch in batches {
            XCTAssertEqual(try county.ingest(batch, from: Self.village).quarantined.map(\.reason), [])
        }
        let withR10 = try duplicateSets(county).filter { $0.contains(regular[10]) }
        XCTAssertEqual(withR10.map(\.count), [1 + 1_989 + 3], "one set: r10 beside r11…r1999 and the three extra cases")
        XCTAssertEqual(try county.conflicts(ofCase: regular[10]).count, 1)
        XCTAssertEqual(try county.conflicts().filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }.count, 1)
        XCTAssertEqual(try county.db.scalarInt("SELECT count(*) FROM conflicts WHERE rule = 'possible_duplicate'"), 1, "one row, not one per case")
        try assertVerifiesClean(county)

        XCTAssertEqual(try county.ingest([heldBack], from: Self.village).stored.count, 1)
        XCTAssertEqual(try duplicateSets(county), expected)
        XCTAssertEqual(try county.conflicts(ofCase: regular[10]), [])

        // The county resolves one; the resolution reaches the village and marks the record on all its cases there.
        let id = try XCTUnwrap(try county.conflicts(ofCase: e1).first?.id)
        tick()
        _ = try county.resolveConflict(id, note: "同一申请人先后申请，已核实", keep: nil, actor: "督查-周")
        _ = try village.ingest(try county.changes(afterLSN: 0, limit: 100_000).map(\.change).filter { $0.origin == Self.countyCode }, from: Self.countyCode)
        for node in [county, village] {
            XCTAssertEqual(try duplicateSets(node), expected)
            for number in [e1, regular[500], regular[501]] {
                XCTAssertNotNil(try node.conflicts(ofCase: number).first { $0.id == id }?.resolution)
            }
            try assertVerifiesClean(node)
        }
        XCTAssertEqual(try county.conflicts().filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }.map(\.json),
                       try village.conflicts().filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }.map(\.json),
                       "the same records, ids, content and resolution at both nodes")
    }

    /// A resolved set that grows is a new set with a new id, open again; the old resolution stays in
    /// the log and settles nothing. Closing cases of a set does not change it: its id is its acceptances.
    func testASetThatGrowsIsANewRecordOpenAgain() throws {
        let county = try makeCounty()
        let first = try county.accept().number
        tick()
        let second = try county.accept().number
        tick()
        let pair = try XCTUnwrap(try county.conflicts().first)
        XCTAssertEqual(pair.entities, [first, second])
        _ = try county.resolveConflict(pair.id, note: "已核实，两件均为本人申请", keep: nil, actor: "督查-周")
        XCTAssertEqual(try county.conflicts(all: false), [])
        tick()
        let third = try county.accept().number
        let grown = try county.conflicts()
        XCTAssertEqual(grown.map(\.entities), [[first, second, third]], "one record for the three, the pair's is gone")
        XCTAssertNotEqual(grown.first?.id, pair.id)
        XCTAssertNil(grown.first?.resolution, "a new set is open again")
        XCTAssertEqual(try county.caseHistoryResolutions(first), [pair.id], "the pair's resolution stays in the log")
        for number in [first, second, third] { XCTAssertEqual(try county.conflicts(ofCase: number).map(\.id), grown.map(\.id)) }
        try assertVerifiesClean(county)

        // Keeping one withdraws the two others; the set (its acceptances) does not change, so neither does its id.
        tick()
        let id = try XCTUnwrap(grown.first?.id)
        _ = try county.resolveConflict(id, note: "保留第三件", keep: third, actor: "督查-周")
        XCTAssertEqual(try county.caseState(first)?.status, .withdrawn)
        XCTAssertEqual(try county.caseState(second)?.status, .withdrawn)
        XCTAssertEqual(try county.conflicts().map(\.id), [id])
        XCTAssertNotNil(try county.conflicts().first?.resolution)
        try assertVerifiesClean(county)
    }

    /// A node upgraded from before 009_duplicates has no closed_hlc: it is re-derived from the log
    /// when the node is opened, and until then verify reports it.
    func testWhenEachCaseClosedIsRederivedFromTheLogOnOpen() throws {
        let county = try makeCounty()
        let first = try county.accept().number
        tick()
        let second = try county.accept().number
        tick()
        try withdraw(county, first)
        tick()
        try withdraw(county, second)
        let records = try county.conflicts()
        XCTAssertEqual(records.map(\.entities), [[first, second]])

        let raw = try rawDatabase()
        try raw.run("UPDATE cases SET closed_hlc = NULL")
        XCTAssertEqual(Set(try county.verify().problems.filter { $0.code == "column_mismatch" }.compactMap(\.entity)), [first, second])
        try raw.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('rebuild_conflicts', '1')")
        let reopened = try reopen()
        try assertVerifiesClean(reopened)
        XCTAssertEqual(try reopened.conflicts(), records)
        XCTAssertEqual(try raw.query("SELECT count(*) AS n FROM cases WHERE closed_hlc IS NULL").first?.int64("n"), 0)
    }
}

private extension NodeStore {
    /// The conflict ids the resolutions recorded on a case name.
    func caseHistoryResolutions(_ number: String) throws -> [String] {
        try cachedHistory(number)?.resolutions.map(\.conflict) ?? []
    }
}
