import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// A restored node's heal and a wrong clock's repair on real stores (temporary files), moving
/// changes with `ingest` as the sync does and noting a child's hello report as the server does.
final class NodeStoreHealTests: NodeStoreTestCase {
    static let townshipCode = "330106001"

    private var nodes: [String: NodeStore] = [:]
    private var countyNode: NodeStore { nodes["county"]! }
    private var townshipNode: NodeStore { nodes["township"]! }

    override func tearDownWithError() throws {
        nodes.removeAll()
        try super.tearDownWithError()
    }

    private func makePair() throws {
        nodes["county"] = try makeCounty()
        nodes["township"] = try NodeStore.initialize(directory: nodeDirectory("township"), role: .township, code: Self.townshipCode, name: "转塘街道", now: clock.closure)
        for (node, other) in [(countyNode, townshipNode), (townshipNode, countyNode)] {
            try node.trust(code: other.identity.code, role: other.identity.role, name: other.identity.name, publicKey: other.identity.publicKey)
        }
        // The county knows its child as the server does after a hello.
        try countyNode.recordContact(child: Self.townshipCode, protocolVersion: 1, address: nil)
        try down(countyNode, townshipNode)
    }

    private func restore(_ name: String, from backup: String) throws {
        nodes[name] = nil
        try NodeStore.restore(directory: nodeDirectory(name), from: backup, now: clock.closure)
        nodes[name] = try reopen(name)
    }

    @discardableResult
    private func up(_ child: NodeStore, _ parent: NodeStore) throws -> IngestOutcome {
        let missing = try child.db.storedChanges(where: "origin = ? OR origin LIKE ? || '%'", [.text(parent.identity.code), .text(child.identity.code)])
            .filter { !(try holds(parent, $0)) }
        return try parent.ingest(missing, from: child.identity.code)
    }

    @discardableResult
    private func down(_ parent: NodeStore, _ child: NodeStore) throws -> IngestOutcome {
        let code = child.identity.code
        let routed = try parent.db.storedChanges(where: "source IS NOT ?", [.text(code)]).filter { change in
            change.parties.contains { $0 == EntityName.everyone || $0.hasPrefix(code) }
        }
        return try child.ingest(try routed.filter { !(try holds(child, $0)) }, from: parent.identity.code)
    }

    private func holds(_ node: NodeStore, _ change: Change) throws -> Bool {
        try node.count("SELECT count(*) FROM changes WHERE origin = ? AND seq = ?", [.text(change.origin), .integer(change.seq)]) > 0
    }

    /// What the server does with a child's hello: its head of the parent's own chain.
    @discardableResult
    private func hello(from child: NodeStore, to parent: NodeStore) throws -> Bool {
        try parent.noteChildReport(child: child.identity.code, head: try child.chainHead(of: parent.identity.code))
    }

    // MARK: Heal

    func testARestoredCountyRecordsNothingUntilItsChildReturnedItsChainThenListsWhatWasLost() throws {
        try makePair()
        let backup = root + "/county-early.sqlite"
        try countyNode.backup(to: backup)
        let atBackup = try countyNode.chainHead(of: NodeStoreTestCase.countyCode).seq

        // Two cases collected at the township (they reach it) around one that only the county holds.
        let first = try countyNode.accept(Items.business, collectAt: Self.townshipCode).number
        let onlyHere = try countyNode.accept(Items.business, applicant: People.li).number
        let third = try countyNode.accept(Items.business, collectAt: Self.townshipCode).number
        try down(countyNode, townshipNode)
        XCTAssertNil(try townshipNode.caseState(onlyHere))

        try restore("county", from: backup)
        let refused = assertStoreError("healing") { try countyNode.accept(Items.business) }
        XCTAssertTrue(refused?.message.hasPrefix(RestoreHeal.waitingMessage) ?? false)
        XCTAssertTrue(refused?.message.contains(Self.townshipCode) ?? false)
        XCTAssertEqual(try countyNode.healStatus().state, .waiting(pending: [Self.townshipCode]))

        // The township says hello (its head of the county's chain) and pushes the county's changes back.
        XCTAssertFalse(try hello(from: townshipNode, to: countyNode))
        XCTAssertEqual(try countyNode.healStatus().children.first?.state, .returning)
        try up(townshipNode, countyNode)
        XCTAssertEqual(try countyNode.settleHeal(), .healed)
        XCTAssertEqual(try countyNode.healStatus().lost, [atBackup + 2], "the case only the county held is listed by seq")
        try assertVerifiesClean(countyNode)

        // Numbers go on after every number that came back.
        let next = try countyNode.accept(Items.business).number
        XCTAssertFalse([first, onlyHere, third].contains(next), next)
        XCTAssertGreaterThan(try countyNode.chainHead(of: NodeStoreTestCase.countyCode).seq, atBackup + 3)
        try down(countyNode, townshipNode)
        XCTAssertEqual(try townshipNode.count("SELECT count(*) FROM quarantine"), 0)
        try assertVerifiesClean(townshipNode)
    }

    func testTheOperatorEndsTheWaitAndTheReturningChildsCollisionIsRecordedAsAFork() throws {
        try makePair()
        let backup = root + "/county-early.sqlite"
        try countyNode.backup(to: backup)
        _ = try countyNode.accept(Items.business, collectAt: Self.townshipCode)
        try down(countyNode, townshipNode)

        try restore("county", from: backup)
        assertStoreError("invalid_reason") { try countyNode.endHealWait(reason: "  ", actor: "管理员") }
        let ended = try XCTUnwrap(try countyNode.endHealWait(reason: "乡镇服务器损毁", actor: "管理员"))
        XCTAssertEqual(ended.kind, RestoreHeal.healedKind)
        XCTAssertEqual(ended.payload["waived"], .array([.string(Self.townshipCode)]))
        XCTAssertEqual(try countyNode.healStatus().state, .healed)
        assertStoreError("not_healing") { try countyNode.endHealWait(reason: "再次", actor: "管理员") }
        try assertVerifiesClean(countyNode)

        // The township comes back: it holds another change at the seq the heal record took.
        XCTAssertTrue(try hello(from: townshipNode, to: countyNode))
        XCTAssertEqual(try countyNode.count("SELECT count(*) FROM quarantine WHERE reason = 'fork'"), 1)
        try up(townshipNode, countyNode)
        XCTAssertEqual(try countyNode.count("SELECT count(*) FROM quarantine WHERE reason = 'fork'"), 1, "the same change, one row")
        // The heal record goes to everyone: the township, pulling it, finds the collision too.
        let record = try countyNode.db.storedChanges(where: "kind = ?", [.text(RestoreHeal.healedKind)])
        let pulled = try townshipNode.ingest(record, from: NodeStoreTestCase.countyCode)
        XCTAssertEqual(pulled.quarantined.map(\.reason), [QuarantineReason.fork], "and at the township when it pulls")
    }

    // MARK: Clock

    func testAChangeStampedByAWrongClockIsRefusedThenStampedAgainOnceTheClockIsRight() throws {
        try makePair()
        let townClock = TestClock(day: "2026-03-02")
        townshipNode.now = townClock.closure
        try townshipNode.recordParentClock(parentTime: clock.now)
        let fourYears: Int64 = 4 * 365 * 86_400_000

        townClock.advance(millis: fourYears)
        let refused = assertStoreError("clock_skew") { try townshipNode.accept(Items.elderCard) }
        XCTAssertTrue(refused?.message.contains("2026-03-02") ?? false, refused?.message ?? "")
        XCTAssertTrue(refused?.message.contains("2030-03-01") ?? false, refused?.message ?? "")

        // After a reboot the parent's time is unknown: the change is recorded with the wrong clock and leaves.
        _ = try townshipNode.db.execute("UPDATE parent_clock SET boot = 'another boot'")
        let number = try townshipNode.accept(Items.elderCard).number
        let sent = try up(townshipNode, countyNode)
        XCTAssertEqual(sent.quarantined.map(\.reason), [QuarantineReason.clockSkew])

        // The clock is right again and the parent says so: the change is stamped and signed again, and lands.
        townClock.set(millis: clock.now)
        try townshipNode.recordParentClock(parentTime: clock.now)
        let restamped = try townshipNode.restampFutureChanges()
        XCTAssertEqual(restamped.map(\.entity), [number])
        let own = try townshipNode.db.storedChanges(where: "origin = ?", [.text(Self.townshipCode)])
        XCTAssertTrue(own.allSatisfy { $0.hlc.physicalMillis <= clock.now }, "no reading from the wrong clock is left")
        XCTAssertEqual(try townshipNode.caseState(number)?.number, number, "the case keeps its number")
        XCTAssertEqual(try townshipNode.restampFutureChanges(), [], "once is enough")
        let landed = try up(townshipNode, countyNode)
        XCTAssertEqual(landed.quarantined, [])
        XCTAssertNotNil(try countyNode.caseState(number))
        XCTAssertEqual(try countyNode.count("SELECT count(*) FROM quarantine"), 0, "the clock_skew row is settled")
        XCTAssertEqual(try countyNode.clockResolutions().map(\.change.description), ["\(Self.townshipCode)#\(own.map(\.seq).max() ?? 0)"])
        let later = try townshipNode.accept(Items.elderCard).number
        try up(townshipNode, countyNode)
        XCTAssertNotNil(try countyNode.caseState(later))
        try assertVerifiesClean(townshipNode)
        try assertVerifiesClean(countyNode)
    }

    func testACountyWhoseTownshipsAllAgreeItsClockIsYearsBehindRefusesToo() throws {
        try makePair()
        let years: Int64 = 3 * 365 * 86_400_000
        try countyNode.recordNodeClocks([
            .init(code: Self.townshipCode, offsetMillis: years, measuredBy: NodeStoreTestCase.countyCode, at: clock.now),
        ])
        XCTAssertEqual(try countyNode.clockVerdict().verdict, .warn(offsetMillis: -years), "one township alone only warns")
        XCTAssertNoThrow(try countyNode.accept(Items.business))
        try countyNode.recordNodeClocks([
            .init(code: "330106002", offsetMillis: years + 5_000, measuredBy: NodeStoreTestCase.countyCode, at: clock.now),
        ])
        let refused = assertStoreError("clock_skew") { try countyNode.accept(Items.business) }
        XCTAssertTrue(refused?.message.contains("各乡镇") ?? false, refused?.message ?? "")
    }

    func testAClockYearsBehindIsRefusedToo() throws {
        try makePair()
        let townClock = TestClock(day: "2026-03-02")
        townshipNode.now = townClock.closure
        try townshipNode.recordParentClock(parentTime: clock.now)
        townClock.advance(millis: -3 * 365 * 86_400_000)
        let refused = assertStoreError("clock_skew") { try townshipNode.accept(Items.elderCard) }
        XCTAssertTrue(refused?.message.contains("慢") ?? false, refused?.message ?? "")
        townClock.set(millis: clock.now + 90_000)
        XCTAssertEqual(try townshipNode.clockVerdict().verdict, .warn(offsetMillis: 90_000 - (try townshipNode.parentTimeNow()! - clock.now)))
        XCTAssertNoThrow(try townshipNode.accept(Items.elderCard), "a minute and a half off warns, never refuses")
    }
}
