import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

/// The conflict rules of DESIGN §6 on real nodes (Protocol/conflicts.md): a county, a township and
/// two villages on temp files, exchanging changes through `ingest` (the path the sync uses), with
/// concurrency made by not exchanging. Every rule's record must be the same, by id and content,
/// at every node that holds its changes.
final class NodeStoreConflictsTests: NodeStoreTestCase {
    static let township = "330106001"
    static let village = "330106001201"
    static let village2 = "330106001202"

    private var nodes: [String: NodeStore] = [:]
    private var county: NodeStore { nodes[Self.countyCode]! }
    private var township: NodeStore { nodes[Self.township]! }
    private var village: NodeStore { nodes[Self.village]! }

    /// Four nodes that trust each other's keys, with the county's catalog and calendar everywhere.
    private func makeTree() throws {
        nodes[Self.countyCode] = try makeCounty()
        for (code, role) in [(Self.township, Role.township), (Self.village, .village), (Self.village2, .village)] {
            nodes[code] = try NodeStore.initialize(directory: nodeDirectory(code), role: role, code: code, name: code, now: clock.closure)
        }
        for (code, node) in nodes {
            for (other, peer) in nodes where other != code {
                try node.trust(code: other, role: peer.identity.role, name: other, publicKey: peer.identity.publicKey)
            }
        }
        try exchange()
    }

    /// Sends what `to` lacks and may hold (everything up; down only what is routed to its subtree).
    private func send(_ from: String, _ to: String, except skip: (Change) -> Bool = { _ in false }) throws {
        guard let source = nodes[from], let target = nodes[to] else { return }
        let down = to.count > from.count
        let missing = try source.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { change in
            if skip(change) { return false }
            if down, !change.parties.contains(where: { $0 == EntityName.everyone || NodeCode.isAncestorOrSelf(to, of: $0) }) { return false }
            return try target.heldHash(ChangeID(origin: change.origin, seq: change.seq)) == nil
        }
        if !missing.isEmpty {
            let outcome = try target.ingest(missing.reversed(), from: from)
            XCTAssertEqual(outcome.quarantined.map(\.reason), [], "\(from) → \(to)")
        }
    }

    /// A full exchange along the tree: up, then down, twice.
    private func exchange() throws {
        for _ in 0..<2 {
            for v in [Self.village, Self.village2] { try send(v, Self.township) }
            try send(Self.township, Self.countyCode)
            try send(Self.countyCode, Self.township)
            for v in [Self.village, Self.village2] { try send(Self.township, v) }
        }
    }

    private func tick(_ minutes: Int64 = 1) { clock.advance(millis: minutes * 60_000) }

    /// The conflicts on a case at every node holding it: they must be equal, by id, content and
    /// resolution. A possible duplicate is compared only at the nodes that hold both of its cases.
    @discardableResult
    private func assertSameConflicts(_ number: String, file: StaticString = #filePath, line: UInt = #line) throws -> [StoredConflict] {
        var reference: (String, NodeStore)?
        for (code, node) in nodes.sorted(by: { $0.key < $1.key }) where try node.caseState(number) != nil {
            if let (first, other) = reference {
                func held(_ conflict: StoredConflict) throws -> Bool {
                    try (conflict.detail["cases"]?.arrayValue ?? []).allSatisfy {
                        try node.caseState($0.stringValue ?? "") != nil && other.caseState($0.stringValue ?? "") != nil
                    }
                }
                XCTAssertEqual(try node.conflicts(ofCase: number).filter(held), try other.conflicts(ofCase: number).filter(held),
                               "conflicts of \(number) differ between \(first) and \(code)", file: file, line: line)
            } else {
                reference = (code, node)
            }
            try assertVerifiesClean(node, file: file, line: line)
        }
        return try reference?.1.conflicts(ofCase: number) ?? []
    }

    /// A relief case (decided by the township) accepted at the village and forwarded to the township, everywhere.
    private func forwardedCase() throws -> String {
        let number = try village.accept(Items.relief).number
        tick()
        try village.act(on: number, .forward, payload: [:], actor: "代办员-赵")
        try exchange()
        return number
    }

    func testDecisionIsFinalAgainstALaterConcurrentLowerTierEdit() throws {
        try makeTree()
        let number = try forwardedCase()
        tick()
        try township.act(on: number, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try exchange()
        // The township takes the material itself and approves; the village, cut off, records the material and a bill.
        tick()
        try township.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try township.act(on: number, .approve, payload: [:], actor: "审批员-王")
        tick()
        try village.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof", "medical_bills"]], actor: "代办员-赵")
        try exchange()

        let conflicts = try assertSameConflicts(number)
        XCTAssertEqual(conflicts.map(\.rule), ["decision_final"])
        let conflict = try XCTUnwrap(conflicts.first)
        XCTAssertEqual(conflict.resolver, Self.countyCode, "the county reviews it")
        XCTAssertEqual(conflict.detail["changes"]?.arrayValue?.compactMap { $0["kind"]?.stringValue },
                       [CaseAction.approve.kind, CaseAction.recordSupplement.kind])
        let state = try XCTUnwrap(try county.caseState(number))
        XCTAssertEqual(state.status, .approved, "the decision stands")
        XCTAssertTrue(state.materials.contains("medical_bills"), "the material is kept (add-only)")
    }

    func testWithdrawAgainstAConcurrentDecisionFirstInOrderStands() throws {
        try makeTree()
        let number = try forwardedCase()
        tick()
        try township.act(on: number, .approve, payload: ["opinion": "符合条件"], actor: "审批员-王")
        tick()
        try village.act(on: number, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
        try exchange()
        let conflicts = try assertSameConflicts(number)
        XCTAssertEqual(conflicts.map(\.rule), ["withdraw_vs_decision"])
        XCTAssertEqual(conflicts.first?.resolver, Self.township, "the decider resolves")
        XCTAssertEqual(try village.caseState(number)?.status, .approved)

        // The other way round: the withdrawal sorts first and stands.
        let second = try forwardedCase()
        tick()
        try village.act(on: second, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
        tick()
        try township.act(on: second, .deny, payload: ["reasons": ["收入超标"]], actor: "审批员-王")
        try exchange()
        XCTAssertEqual(try assertSameConflicts(second).map(\.rule), ["withdraw_vs_decision"])
        XCTAssertEqual(try township.caseState(second)?.status, .withdrawn)
    }

    func testLastWriterWinsAContactFieldAndTheLosingValueIsKept() throws {
        try makeTree()
        let number = try forwardedCase()
        tick()
        try village.act(on: number, .updateContact, payload: ["phone": "13900001111"], actor: "代办员-赵")
        tick()
        try township.act(on: number, .updateContact, payload: ["phone": "13900002222"], actor: "审批员-王")
        try exchange()
        let conflicts = try assertSameConflicts(number)
        XCTAssertEqual(conflicts.map(\.rule), ["field_last_writer"])
        let conflict = try XCTUnwrap(conflicts.first)
        XCTAssertEqual(conflict.detail["values"]?["fields"]?["phone"], ["winner": "13900002222", "loser": "13900001111"])
        XCTAssertEqual(try county.caseState(number)?.applicant.phone, "13900002222")

        // A correction made after seeing the other write is no conflict.
        tick()
        try village.act(on: number, .updateContact, payload: ["phone": "13900003333"], actor: "代办员-赵")
        try exchange()
        XCTAssertEqual(try assertSameConflicts(number).count, 1)

        // The acceptor's tier resolves it and keeps the losing value; the resolution replicates.
        tick()
        XCTAssertEqual(conflict.resolver, Self.village)
        try village.resolveConflict(conflict.id, note: "已电话核实，申请人新号码为 13900001111", keep: "13900001111", actor: "代办员-赵")
        try exchange()
        let resolved = try assertSameConflicts(number)
        XCTAssertEqual(resolved.first?.resolution?["by"], .string(Self.village))
        XCTAssertEqual(try county.caseState(number)?.applicant.phone, "13900001111")
        XCTAssertEqual(try county.conflicts(all: false).count, 0, "nothing open")
    }

    func testMaterialsAreAnAddOnlySet() throws {
        try makeTree()
        let number = try forwardedCase()
        tick()
        try township.act(on: number, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try exchange()
        tick()
        try township.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        tick()
        try village.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "代办员-赵")
        try exchange()
        XCTAssertEqual(try assertSameConflicts(number), [], "the same material twice is one material")

        tick()
        try township.act(on: number, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try exchange()
        tick()
        try township.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        tick()
        try village.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof", "medical_bills"]], actor: "代办员-赵")
        try exchange()
        let conflicts = try assertSameConflicts(number)
        XCTAssertEqual(conflicts.map(\.rule), ["material_add_only"])
        XCTAssertEqual(conflicts.first?.detail["values"]?["added"], ["medical_bills"])
        let state = try XCTUnwrap(try township.caseState(number))
        XCTAssertTrue(state.materials.contains("medical_bills"))
        XCTAssertEqual(state.status, .forwarded, "the late material does not move the case")
    }

    func testTheSameApplicantAndItemOpenAtTwoNodesIsAPossibleDuplicate() throws {
        try makeTree()
        let atVillage = try village.accept(Items.relief).number
        tick()
        let atTownship = try township.accept(Items.relief).number
        try exchange()
        let first = try assertSameConflicts(atVillage)
        let second = try assertSameConflicts(atTownship)
        XCTAssertEqual(first.map(\.rule), ["possible_duplicate"])
        XCTAssertEqual(first.map(\.id), second.map(\.id), "one conflict, the same id, on both cases")
        XCTAssertEqual(first.first?.detail, second.first?.detail)
        XCTAssertEqual(first.first?.resolver, Self.countyCode)
        XCTAssertEqual(try county.conflicts().count, 1, "listed once")

        // Another applicant, or a case already decided, is no duplicate.
        tick()
        _ = try village.accept(Items.relief, applicant: People.li)
        try exchange()
        XCTAssertEqual(try county.conflicts().count, 1)

        // Only the county resolves it; keeping one case withdraws the other.
        let id = try XCTUnwrap(first.first?.id)
        assertStoreError("not_authorized") { try township.resolveConflict(id, note: "重复", keep: nil, actor: "王") }
        tick()
        try county.resolveConflict(id, note: "同一申请，保留村级受理的一件", keep: atVillage, actor: "督查-周")
        try exchange()
        XCTAssertEqual(try township.caseState(atTownship)?.status, .withdrawn)
        XCTAssertNotNil(try assertSameConflicts(atTownship).first?.resolution)
        XCTAssertEqual(try county.conflicts(all: false).count, 0)
    }

    func testACaseKeepsTheItemVersionInForceAtAcceptance() throws {
        try makeTree()
        // The county publishes version 2 of the relief item; the village, cut off, accepts under version 1.
        var item = try XCTUnwrap(try county.item(code: Items.relief))
        item.version = 2
        item.promisedLimit = TimeLimit(days: 5, unit: .working)
        try county.record(ChangeDraft(actor: "admin", entity: EntityName.item(item.code), kind: CatalogKind.itemPublished, payload: item.json))
        tick()
        let number = try village.accept(Items.relief).number
        try exchange()
        let conflicts = try assertSameConflicts(number)
        XCTAssertEqual(conflicts.map(\.rule), ["item_version_at_acceptance"])
        XCTAssertEqual(conflicts.first?.detail["values"]?["publishedVersion"], 2)
        XCTAssertEqual(try county.caseState(number)?.item.version, 1, "a later version does not rewrite the case")
        // A case accepted after the village got version 2 is under version 2, and no conflict.
        tick()
        let later = try village.accept(Items.relief, applicant: People.li).number
        try exchange()
        XCTAssertEqual(try assertSameConflicts(later), [])
        XCTAssertEqual(try county.caseState(later)?.item.version, 2)
    }

    func testChangesBeforeTheAcceptanceAreKeptAndAppliedWhenItArrives() throws {
        try makeTree()
        let number = try village.accept(Items.relief).number
        tick()
        try village.act(on: number, .updateContact, payload: ["phone": "13900001111"], actor: "代办员-赵")
        tick()
        try village.act(on: number, .forward, payload: [:], actor: "代办员-赵")
        // The township gets the later changes first.
        try send(Self.village, Self.township) { $0.kind == CaseAction.accept.kind }
        XCTAssertNil(try township.caseState(number))
        let pending = try township.conflicts(ofCase: number)
        XCTAssertEqual(pending.map(\.rule), ["history_pending"])
        XCTAssertEqual(pending.first?.detail["changes"]?.arrayValue?.count, 2)
        XCTAssertEqual(try township.changes(ofEntity: number).count, 2, "kept")
        try assertVerifiesClean(township)

        try send(Self.village, Self.township)
        XCTAssertEqual(try township.caseState(number), try village.caseState(number))
        XCTAssertEqual(try township.conflicts(ofCase: number), [], "settled: nothing pending, nothing refused")
        try exchange()
        XCTAssertEqual(try assertSameConflicts(number), [])
    }

    func testAResolutionFromBelowTheResolverTierIsRefusedEverywhere() throws {
        try makeTree()
        let number = try forwardedCase()
        tick()
        try township.act(on: number, .approve, payload: [:], actor: "审批员-王")
        tick()
        try village.act(on: number, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
        try exchange()
        let id = try XCTUnwrap(try village.conflicts().first?.id)
        assertStoreError("not_authorized") { try village.resolveConflict(id, note: "我来处理", keep: nil, actor: "赵") }
        // A village that records one anyway (bypassing the command): kept, never applied anywhere.
        tick()
        try village.record(ChangeDraft(actor: "赵", entity: number, kind: ConflictKind.resolved,
                                       payload: ["conflict": .string(id), "rule": "withdraw_vs_decision", "note": "越权"]))
        try exchange()
        XCTAssertNil(try assertSameConflicts(number).first?.resolution)
        // One claiming a county rule is quarantined at the door.
        tick()
        let forged = try village.record(ChangeDraft(actor: "赵", entity: number, kind: ConflictKind.resolved,
                                                    payload: ["conflict": .string(id), "rule": "decision_final", "note": "越权"]))
        let outcome = try township.ingest([forged], from: Self.village)
        XCTAssertEqual(outcome.quarantined.map(\.reason), [QuarantineReason.notAuthorized])
        // The decider resolves it.
        tick()
        try township.resolveConflict(id, note: "已与申请人沟通，维持准予", keep: nil, actor: "审批员-王")
        try send(Self.township, Self.countyCode)
        try send(Self.countyCode, Self.township)
        try send(Self.township, Self.village)
        XCTAssertEqual(try county.conflicts(ofCase: number).first?.resolution?["by"], .string(Self.township))
        XCTAssertEqual(try village.conflicts(ofCase: number).first?.resolution, try county.conflicts(ofCase: number).first?.resolution)
    }

    func testANonObjectPayloadIsInvalidEvenWhenEveryFieldIsOptional() throws {
        try makeTree()
        let number = try village.accept(Items.relief).number
        tick()
        XCTAssertThrowsError(try village.record(ChangeDraft(actor: "赵", entity: number, kind: CaseAction.review.kind, payload: "看过")))
        XCTAssertThrowsError(try village.record(ChangeDraft(actor: "赵", entity: number, kind: CaseAction.review.kind, payload: [1, 2])))
    }

    func testAnUnknownKindFromElsewhereIsKeptAsAConflict() throws {
        try makeTree()
        // A newer township version recorded a kind this one does not know.
        var future = Change(origin: Self.township, seq: 1, hlc: HLC(physicalMillis: clock.now, logical: 0), wall: clock.now, actor: "x",
                            entity: "settings", kind: "settings.rating_days_set", payload: ["days": 15], parties: ["*"], prev: Change.zeroHash)
        future.hash = SHA256.hash(future.signingBody)
        future.sig = try township.signingKey.sign(future.hash)
        _ = try county.ingest([future], from: Self.township)
        let conflict = try XCTUnwrap(try county.conflicts().first)
        XCTAssertEqual(conflict.rule, "unknown_kind")
        XCTAssertEqual(conflict.entities, ["settings"])
        try assertVerifiesClean(county)
    }

    /// A set of three at the county, two of them at the village: each node derives the set of the
    /// cases it holds (two records, two ids); the county's resolution of the whole, recorded on every
    /// case, settles the village's part too; a case the county never saw opens the village's set again.
    func testTheCountysResolutionOfASetSettlesTheVillagesPartOfIt() throws {
        try makeTree()
        let first = try village.accept(Items.relief).number
        tick()
        let atTownship = try township.accept(Items.relief).number
        tick()
        let second = try village.accept(Items.relief).number
        try exchange()
        let whole = try XCTUnwrap(try county.conflicts().first { $0.rule == ConflictRule.possibleDuplicate.rawValue })
        XCTAssertEqual(whole.entities, [first, second, atTownship].sorted())
        let part = try XCTUnwrap(try village.conflicts().first { $0.rule == ConflictRule.possibleDuplicate.rawValue })
        XCTAssertEqual(part.entities, [first, second], "the village does not hold the township's case")
        XCTAssertNotEqual(part.id, whole.id)
        XCTAssertEqual(try township.conflicts().first { $0.rule == ConflictRule.possibleDuplicate.rawValue }?.id, whole.id, "the township holds all three")
        assertStoreError("not_authorized") { try village.resolveConflict(part.id, note: "重复", keep: nil, actor: "赵") }

        tick()
        try county.resolveConflict(whole.id, note: "同一申请人，保留村级第一件", keep: first, actor: "督查-周")
        try exchange()
        for number in [second, atTownship] { XCTAssertEqual(try county.caseState(number)?.status, .withdrawn) }
        XCTAssertEqual(try county.conflicts(all: false), [])
        XCTAssertEqual(try township.conflicts(all: false), [])
        let settled = try XCTUnwrap(try village.conflicts().first { $0.id == part.id })
        XCTAssertEqual(settled.resolution?["by"], .string(Self.countyCode), "the village's part is settled by the county's resolution of the whole")
        for node in [county, township, village] { try assertVerifiesClean(node) }

        // A new case at the village while the first is still open: a set the county has not checked.
        tick()
        let third = try village.accept(Items.relief).number
        try exchange()
        let grown = try XCTUnwrap(try village.conflicts(all: false).first)
        XCTAssertEqual(grown.entities, [first, second, third])
        XCTAssertEqual(try county.conflicts(all: false).map(\.entities), [[first, second, atTownship, third].sorted()])
        for node in [county, township, village] { try assertVerifiesClean(node) }
    }

    func testVerifyFindsAnEditedColumnAndAnEditedConflict() throws {
        try makeTree()
        let number = try forwardedCase()
        tick()
        try township.act(on: number, .approve, payload: [:], actor: "审批员-王")
        tick()
        try village.act(on: number, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
        try exchange()
        try assertVerifiesClean(county)
        let raw = try rawDatabase()
        try raw.run("UPDATE cases SET holder = ?, completed_on = NULL WHERE number = ?", .text(Self.village), .text(number))
        try raw.run("UPDATE conflicts SET resolution = '{}' WHERE entity = ?", .text(number))
        let codes = try county.verify().problems.map(\.code)
        XCTAssertTrue(codes.contains("column_mismatch"), "\(codes)")
        XCTAssertTrue(codes.contains("conflict_mismatch"), "\(codes)")
        let message = try county.verify().problems.first { $0.code == "column_mismatch" }?.message ?? ""
        XCTAssertTrue(message.contains("holder") && message.contains("completed_on"), message)
    }
}
