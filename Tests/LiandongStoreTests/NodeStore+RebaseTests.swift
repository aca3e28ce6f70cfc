import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// Restore repair (DESIGN §7, truth over cursors): a county, a township and a village as real stores
/// on temporary files, moving changes with `ingest` the way the sync does.
final class NodeStoreRebaseTests: NodeStoreTestCase {
    static let townshipCode = "330106001"
    static let villageCode = "330106001201"

    /// 最低生活保障申请: accepted at a village, decided by the county.
    static let subsistence = "000105001000"
    static let subsistenceMaterials = ["application", "id_card", "household_register", "income_statement", "property_statement", "verification_consent"]

    // The nodes live here, never in a test's locals, so that a restore can close one first.
    private var nodes: [String: NodeStore] = [:]
    private var countyNode: NodeStore { nodes["county"]! }
    private var townshipNode: NodeStore { nodes["township"]! }
    private var villageNode: NodeStore { nodes["village"]! }

    override func tearDownWithError() throws {
        nodes.removeAll()
        try super.tearDownWithError()
    }

    /// Three nodes that trust each other's keys, with the catalog and calendar down to the village.
    private func makeTree() throws {
        nodes["county"] = try makeCounty()
        nodes["township"] = try NodeStore.initialize(directory: nodeDirectory("township"), role: .township, code: Self.townshipCode, name: "转塘街道", now: clock.closure)
        nodes["village"] = try NodeStore.initialize(directory: nodeDirectory("village"), role: .village, code: Self.villageCode, name: "某村", now: clock.closure)
        for node in nodes.values {
            for other in nodes.values where other.identity.code != node.identity.code {
                try node.trust(code: other.identity.code, role: other.identity.role, name: other.identity.name, publicKey: other.identity.publicKey)
            }
        }
        try pullRouted(countyNode, townshipNode)
        try pullRouted(townshipNode, villageNode)
    }

    /// Closes a node, restores it from backup, and opens it again. A restored node records nothing
    /// until its parent has returned its chain; `workBeforeTheParent` is the operator ending that
    /// wait (`heal end`, recorded as the next change of its chain) to work with the link down: the
    /// case the rebase is for.
    private func restore(_ name: String, from backup: String, workBeforeTheParent: Bool = false) throws {
        nodes[name] = nil
        try NodeStore.restore(directory: nodeDirectory(name), from: backup, now: clock.closure)
        nodes[name] = try reopen(name)
        if workBeforeTheParent {
            let ended = try XCTUnwrap(try nodes[name]?.endHealWait(reason: "上级链路中断，须先办件", actor: "管理员-周"))
            XCTAssertEqual(ended.kind, RestoreHeal.healedKind)
        }
    }

    private func ownChain(_ node: NodeStore) throws -> [Change] {
        try node.db.storedChanges(where: "origin = ?", [.text(node.identity.code)]).sorted { $0.seq < $1.seq }
    }

    private func stateHashes(_ node: NodeStore) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for row in try node.db.query("SELECT number, state_hash FROM cases") {
            result[row.text("number") ?? ""] = row.blob("state_hash")
        }
        return result
    }

    /// Every case the first node holds is held by the second with a byte-identical state.
    private func assertSameCases(_ a: NodeStore, _ b: NodeStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let first = try stateHashes(a)
        let second = try stateHashes(b)
        XCTAssertFalse(first.isEmpty, file: file, line: line)
        for (number, hash) in first {
            XCTAssertEqual(second[number], hash, "state of \(number) at \(a.identity.code) and \(b.identity.code)", file: file, line: line)
        }
    }

    private func number(_ day: String, _ sequence: Int, node: String = NodeStoreRebaseTests.villageCode) -> String {
        CaseNumber.make(node: node, day: LocalDate(iso: day) ?? LocalDate(epochMillis: 0), sequence: sequence)
    }

    func testARestoredVillageTakesBackItsLostChangesAndResignsWhatItMadeSince() throws {
        try makeTree()
        let first = try villageNode.accept().number
        try villageNode.act(on: first, .forward, payload: [:], actor: "代办员-赵")
        try pushAbsent(villageNode, townshipNode)
        try pushAbsent(townshipNode, countyNode)
        try villageNode.noteParentHead(try townshipNode.chainHead(of: Self.villageCode))
        XCTAssertEqual(try villageNode.lastAcknowledgedOwnSeq(), 2)
        let backup = root + "/village-early.sqlite"
        try villageNode.backup(to: backup)

        // Made after the backup, reached the township and the county, then lost with the village's disk.
        clock.advance(millis: 3_600_000)
        let lostCase = try villageNode.accept(Items.elderCard, applicant: People.li).number
        XCTAssertEqual(lostCase, number("2026-03-02", 2))
        try villageNode.act(on: lostCase, .updateContact, payload: ["phone": "13900000001"], actor: "代办员-赵")
        try pushAbsent(villageNode, townshipNode)
        try pushAbsent(townshipNode, countyNode)
        try townshipNode.act(on: first, .approve, payload: ["opinion": "符合条件"], actor: "审批员-王")
        try pushAbsent(townshipNode, countyNode)
        try pullRouted(townshipNode, villageNode)
        let lostHead = try townshipNode.chainHead(of: Self.villageCode)
        XCTAssertEqual(lostHead.seq, 4)

        try restore("village", from: backup)
        XCTAssertEqual(try villageNode.chainHead(of: Self.villageCode).seq, 2)
        let waiting = assertStoreError("healing") { try villageNode.accept(Items.relief, applicant: People.li, collectAt: nil) }
        XCTAssertTrue(waiting?.message.hasPrefix(RestoreHeal.waitingForParentMessage) ?? false, waiting?.message ?? "")
        // The operator ends the wait (#3) and the village goes on working before it reaches its parent: the same number again.
        try restore("village", from: backup, workBeforeTheParent: true)
        clock.advance(millis: 3_600_000)
        let newCase = try villageNode.accept(Items.relief, applicant: People.li, collectAt: nil).number
        XCTAssertEqual(newCase, lostCase, "the backup's counter gives the lost number out again")
        try villageNode.act(on: newCase, .updateContact, payload: ["address": "某村 5 组"], actor: "代办员-赵")
        try villageNode.act(on: newCase, .forward, payload: ["opinion": "材料齐全"], actor: "代办员-赵")
        XCTAssertEqual(try villageNode.chainHead(of: Self.villageCode).seq, 6)

        let state = try villageNode.divergence(parentHead: lostHead)
        XCTAssertEqual(state, .diverged(fetchAfter: 2))
        XCTAssertEqual(try villageNode.noteParentHead(lostHead), state, "a diverged head is not acknowledged")
        XCTAssertEqual(try villageNode.lastAcknowledgedOwnSeq(), 2)
        let copies = try fetchCopies(townshipNode, origin: Self.villageCode, after: try XCTUnwrap(state.fetchAfter))
        XCTAssertEqual(copies.map(\.seq), [3, 4])

        let outcome = try villageNode.adoptOwnChanges(copies)
        XCTAssertEqual(outcome.adopted.map(\.seq), [3, 4])
        XCTAssertEqual(outcome.alreadyHeld, 0)
        XCTAssertEqual(outcome.setAside.map(\.seq), [3, 4, 5, 6])
        XCTAssertEqual(outcome.rerecorded.map(\.seq), [5, 6, 7, 8])
        XCTAssertEqual(outcome.refused, [])
        let renamed = number("2026-03-02", 3)
        XCTAssertEqual(outcome.renumbered.map(\.oldNumber), [newCase])
        XCTAssertEqual(outcome.renumbered.map(\.newNumber), [renamed])
        XCTAssertTrue(outcome.renumbered[0].message.contains(renamed), outcome.renumbered[0].message)
        XCTAssertEqual(try villageNode.renumberedCases().map(\.newNumber), [renamed], "recorded in rebase_log")
        // Announced in status; the old number and the applicant's query code still find the case, under its new number.
        XCTAssertEqual(try villageNode.status()["renumbered"]?.arrayValue?.first?["new"]?.stringValue, renamed)
        let code = try XCTUnwrap(try villageNode.caseState(renamed)?.queryCode)
        let found = try XCTUnwrap(try villageNode.publicLookup(number: newCase, code: code))
        XCTAssertEqual(found.state.number, renamed)
        XCTAssertEqual(found.renumberedFrom, newCase)
        let lostCode = try XCTUnwrap(try villageNode.caseState(lostCase)?.queryCode)
        XCTAssertEqual(try villageNode.publicLookup(number: lostCase, code: lostCode)?.renumberedFrom, .some(nil), "the old number's own case answers as itself")
        XCTAssertNil(try villageNode.publicLookup(number: newCase, code: "WRONGCOD"))
        XCTAssertEqual(try villageNode.lastAcknowledgedOwnSeq(), 4)

        // The village's chain is the parent's copies, then the re-signed new changes.
        let chain = try ownChain(villageNode)
        let parentCopies = try fetchCopies(townshipNode, origin: Self.villageCode, after: 0)
        XCTAssertEqual(chain.prefix(4).map(\.hash), parentCopies.map(\.hash))
        XCTAssertEqual(chain.map(\.seq), [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(chain[4].kind, RestoreHeal.healedKind, "the operator's decision is signed again first")
        XCTAssertEqual(chain[5].kind, CaseAction.accept.kind)
        XCTAssertEqual(chain[5].entity, renamed)
        XCTAssertEqual(chain[5].payload["number"]?.stringValue, renamed, "the payload names the new number")
        XCTAssertEqual(chain[6].entity, renamed)
        XCTAssertEqual(chain[7].entity, renamed)
        XCTAssertGreaterThan(chain[4].hlc, chain[3].hlc, "the re-signed changes sort after everything adopted")
        XCTAssertEqual(try villageNode.caseState(lostCase)?.applicant.phone, "13900000001", "the lost case is back under its number")
        XCTAssertEqual(try villageNode.caseState(lostCase)?.item.code, Items.elderCard)
        XCTAssertEqual(try villageNode.caseState(renamed)?.item.code, Items.relief)
        XCTAssertEqual(try villageNode.caseState(renamed)?.applicant.address, "某村 5 组")
        XCTAssertEqual(try villageNode.caseState(renamed)?.status, .forwarded)
        XCTAssertEqual(try villageNode.caseState(lostCase)?.document(.acceptance)?.number, "\(Self.villageCode)受〔2026〕2号")
        XCTAssertEqual(try villageNode.caseState(renamed)?.document(.acceptance)?.number, "\(Self.villageCode)受〔2026〕3号",
                       "a document number the adopted copies already carry is given anew")
        XCTAssertEqual(try villageNode.divergence(parentHead: lostHead), .ahead(by: 4))

        // The parent takes the rebased changes: no fork, nothing quarantined.
        let pushed = try pushAbsent(villageNode, townshipNode)
        XCTAssertEqual(pushed.stored.map(\.seq), [5, 6, 7, 8])
        XCTAssertEqual(pushed.quarantined, [])
        XCTAssertEqual(try pushAbsent(townshipNode, countyNode).quarantined, [])
        try pullRouted(townshipNode, villageNode)
        try pullRouted(countyNode, townshipNode)
        for node in [countyNode, townshipNode, villageNode] {
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, node.identity.code)
            try assertVerifiesClean(node)
        }
        try assertSameCases(villageNode, townshipNode)
        try assertSameCases(townshipNode, countyNode)
        XCTAssertEqual(try villageNode.caseState(first)?.status, .approved, "the townshipNode's decision came back down")
        XCTAssertEqual(try townshipNode.caseState(renamed)?.status, .forwarded)
        XCTAssertEqual(try countyNode.publicLookup(number: newCase, code: code)?.state.number, renamed, "any replica points the old receipt to the case")

        // The counter never gives out a number this node issued before.
        clock.advance(millis: 60_000)
        let later = try villageNode.accept(Items.elderCard)
        XCTAssertEqual(later.number, number("2026-03-02", 4))
        XCTAssertEqual(later.document(.acceptance)?.number, "\(Self.villageCode)受〔2026〕4号", "no document number is issued twice")
        nodes["village"] = try reopen("village")
        XCTAssertEqual(try villageNode.renumberedCases().count, 1)
        try assertVerifiesClean(villageNode)
    }

    func testARestoredVillageWithNoNewChangesJustGetsItsChangesBack() throws {
        try makeTree()
        let kept = try villageNode.accept().number
        try pushAbsent(villageNode, townshipNode)
        let backup = root + "/village-early.sqlite"
        try villageNode.backup(to: backup)
        let lost = try villageNode.accept(Items.elderCard, applicant: People.li).number
        try villageNode.act(on: kept, .forward, payload: [:], actor: "代办员-赵")
        try pushAbsent(villageNode, townshipNode)
        try pushAbsent(townshipNode, countyNode)
        let parentHead = try townshipNode.chainHead(of: Self.villageCode)

        try restore("village", from: backup)
        XCTAssertNil(try villageNode.caseState(lost))
        let state = try villageNode.divergence(parentHead: parentHead)
        XCTAssertEqual(state, .behind(fetchAfter: 0), "never acknowledged: fetch the whole chain")
        let outcome = try villageNode.adoptOwnChanges(try fetchCopies(townshipNode, origin: Self.villageCode, after: try XCTUnwrap(state.fetchAfter)))
        XCTAssertEqual(outcome.alreadyHeld, 1)
        XCTAssertEqual(outcome.adopted.map(\.seq), [2, 3])
        XCTAssertEqual(outcome.setAside, [])
        XCTAssertEqual(outcome.rerecorded, [])
        XCTAssertEqual(outcome.renumbered, [])
        let head = try villageNode.chainHead(of: Self.villageCode)
        XCTAssertEqual(head.seq, parentHead.seq)
        XCTAssertEqual(head.hash, parentHead.hash)
        XCTAssertEqual(try villageNode.divergence(parentHead: parentHead), .inStep)
        XCTAssertTrue(try villageNode.healStatus().state.isWaiting, "the parent's head is not noted yet")
        XCTAssertEqual(try villageNode.noteParentHead(parentHead), .inStep)
        XCTAssertEqual(try villageNode.healStatus().parent?.state, .returned)
        XCTAssertFalse(try villageNode.healStatus().state.isWaiting, "everything the parent held is back: the wait is over")
        XCTAssertEqual(try villageNode.caseState(lost)?.item.code, Items.elderCard)
        XCTAssertEqual(try villageNode.caseState(kept)?.status, .forwarded)
        try assertSameCases(villageNode, townshipNode)
        try assertVerifiesClean(villageNode)
        XCTAssertEqual(try pushAbsent(villageNode, townshipNode).stored, [], "nothing new to push")

        // Taking the same copies again changes nothing.
        let again = try villageNode.adoptOwnChanges(try fetchCopies(townshipNode, origin: Self.villageCode, after: 0))
        XCTAssertEqual(again.alreadyHeld, 3)
        XCTAssertFalse(again.changedAnything)
        XCTAssertEqual(try villageNode.accept().number, number("2026-03-02", 3), "the lost number is spent")
    }

    /// A possible duplicate whose case is signed again under a new number goes as a whole, the other
    /// case's row with it (that case is not replayed): the record of the new number is the only one left.
    func testAPossibleDuplicateOfACaseSignedAgainIsRederivedOnBothCases() throws {
        try makeTree()
        let kept = try villageNode.accept().number
        try pushAbsent(villageNode, townshipNode)
        try villageNode.noteParentHead(try townshipNode.chainHead(of: Self.villageCode))
        let backup = root + "/village-early.sqlite"
        try villageNode.backup(to: backup)
        clock.advance(millis: 60_000)
        let lost = try villageNode.accept(Items.elderCard, applicant: People.li).number
        try pushAbsent(villageNode, townshipNode)
        let lostHead = try townshipNode.chainHead(of: Self.villageCode)

        try restore("village", from: backup, workBeforeTheParent: true)
        clock.advance(millis: 60_000)
        let again = try villageNode.accept().number
        XCTAssertEqual(again, lost)
        let before = try villageNode.conflicts()
        XCTAssertEqual(before.map(\.entities), [[kept, again]], "the same applicant and item open twice")

        let state = try villageNode.divergence(parentHead: lostHead)
        let outcome = try villageNode.adoptOwnChanges(try fetchCopies(townshipNode, origin: Self.villageCode, after: try XCTUnwrap(state.fetchAfter)))
        XCTAssertEqual(outcome.rerecorded.map(\.seq), [3, 4], "the operator's decision, then the acceptance")
        let renamed = try XCTUnwrap(outcome.renumbered.first?.newNumber)
        let after = try villageNode.conflicts().filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }
        XCTAssertEqual(after.map(\.entities), [[kept, renamed]])
        XCTAssertEqual(after.first?.detail["changes"]?.arrayValue?.compactMap { $0["change"]?.stringValue }, ["\(Self.villageCode)#1", "\(Self.villageCode)#4"])
        XCTAssertEqual(try villageNode.conflicts(ofCase: kept).map(\.id), after.map(\.id), "no row of the old record is left on the other case")
        try assertVerifiesClean(villageNode)
        try pushAbsent(villageNode, townshipNode)
        try assertVerifiesClean(townshipNode)
        XCTAssertEqual(try townshipNode.conflicts().filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }.map(\.json), after.map(\.json))
    }

    func testARestoredCountyGetsEveryLostChangeBackFromItsChild() throws {
        try makeTree()
        let backup = root + "/county-early.sqlite"
        try countyNode.backup(to: backup)
        let countyHeadAtBackup = try countyNode.chainHead(of: NodeStoreTestCase.countyCode)

        // A county-level case from the village, decided at the county; and a case accepted at the
        // county whose result is collected at the township.
        let business = try villageNode.accept(Self.subsistence, materials: Self.subsistenceMaterials).number
        try villageNode.act(on: business, .forward, payload: [:], actor: "代办员-赵")
        try pushAbsent(villageNode, townshipNode)
        try townshipNode.act(on: business, .forward, payload: [:], actor: "窗口-钱")
        try pushAbsent(townshipNode, countyNode)
        try countyNode.act(on: business, .approve, payload: ["opinion": "准予"], actor: "首席审批员-孙")
        let countyCase = try countyNode.accept(Items.business, applicant: People.li, collectAt: Self.townshipCode).number
        XCTAssertEqual(countyCase, number("2026-03-02", 1, node: NodeStoreTestCase.countyCode))
        try pullRouted(countyNode, townshipNode)
        try pullRouted(townshipNode, villageNode)
        XCTAssertEqual(try townshipNode.caseState(business)?.status, .approved)
        XCTAssertNotNil(try townshipNode.caseState(countyCase))
        let countyHead = try countyNode.chainHead(of: NodeStoreTestCase.countyCode)
        let epochBefore = try countyNode.db.query("SELECT value FROM settings WHERE key = 'epoch'").first?.text("value")

        try restore("county", from: backup)
        XCTAssertEqual(try countyNode.chainHead(of: NodeStoreTestCase.countyCode).seq, countyHeadAtBackup.seq)
        XCTAssertNil(try countyNode.caseState(business))
        let epoch = try countyNode.db.query("SELECT value FROM settings WHERE key = 'epoch'").first?.text("value")
        XCTAssertNotNil(epoch)
        XCTAssertNotEqual(epoch, epochBefore, "a restore makes a new epoch")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: nodeDirectory()).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "the restored copy was prepared beside the database and renamed into place")

        // The township pushes what the county lacks per its heads, the county's own changes included.
        let outcome = try pushAbsent(townshipNode, countyNode)
        XCTAssertEqual(outcome.quarantined, [])
        XCTAssertGreaterThan(outcome.stored.filter { $0.origin == NodeStoreTestCase.countyCode }.count, 1)
        let head = try countyNode.chainHead(of: NodeStoreTestCase.countyCode)
        XCTAssertEqual(head.seq, countyHead.seq)
        XCTAssertEqual(head.hash, countyHead.hash)
        XCTAssertEqual(try countyNode.caseState(business)?.status, .approved)
        XCTAssertNotNil(try countyNode.caseState(countyCase))
        try assertSameCases(townshipNode, countyNode)
        try assertVerifiesClean(countyNode)

        // Its clock and counter stand past what came back: no number twice, changes sort after.
        clock.advance(millis: 60_000)
        let next = try countyNode.accept(Items.business).number
        XCTAssertEqual(next, number("2026-03-02", 2, node: NodeStoreTestCase.countyCode))
        let made = try countyNode.db.storedChanges(where: "entity = ?", [.text(next)])
        XCTAssertGreaterThan(try XCTUnwrap(made.first).seq, countyHead.seq)
        try pullRouted(countyNode, townshipNode)
        try pushAbsent(townshipNode, countyNode)
        XCTAssertEqual(try townshipNode.count("SELECT count(*) FROM quarantine"), 0)
        XCTAssertEqual(try countyNode.count("SELECT count(*) FROM quarantine"), 0)
        try assertVerifiesClean(townshipNode)
    }

    func testAStepTakenAgainAfterTheRestoreIsKeptAsideNotSignedAgain() throws {
        try makeTree()
        let first = try villageNode.accept().number
        try pushAbsent(villageNode, townshipNode)
        let backup = root + "/village-early.sqlite"
        try villageNode.backup(to: backup)
        try villageNode.act(on: first, .forward, payload: [:], actor: "代办员-赵")
        try pushAbsent(villageNode, townshipNode)

        try restore("village", from: backup, workBeforeTheParent: true)
        clock.advance(millis: 3_600_000)
        try villageNode.act(on: first, .forward, payload: ["opinion": "再次上报"], actor: "代办员-赵")
        let second = try villageNode.accept(Items.elderCard, applicant: People.li).number
        let outcome = try villageNode.adoptOwnChanges(try fetchCopies(townshipNode, origin: Self.villageCode, after: 1))
        XCTAssertEqual(outcome.adopted.map(\.seq), [2])
        XCTAssertEqual(outcome.setAside.map(\.seq), [2, 3, 4])
        XCTAssertEqual(outcome.refused.map(\.change.seq), [3], "the second forward is refused: the case is at the township already")
        XCTAssertTrue(outcome.refused.first?.message.contains(first) ?? false, outcome.refused.first?.message ?? "")
        XCTAssertEqual(outcome.rerecorded.map(\.seq), [3, 4])
        XCTAssertEqual(outcome.renumbered, [], "no number was used twice")
        XCTAssertEqual(try villageNode.count("SELECT count(*) FROM rebase_set_aside WHERE entity = ? AND kind = ?", [.text(first), .text(CaseAction.forward.kind)]), 1)
        XCTAssertEqual(try villageNode.caseState(second)?.item.code, Items.elderCard)

        let pushed = try pushAbsent(villageNode, townshipNode)
        XCTAssertEqual(pushed.stored.map(\.seq), [3, 4])
        XCTAssertEqual(pushed.quarantined, [])
        try assertSameCases(villageNode, townshipNode)
        try assertVerifiesClean(villageNode)
        try assertVerifiesClean(townshipNode)
    }

    func testForgedCopiesAreRefusedAndNothingIsWritten() throws {
        try makeTree()
        try villageNode.accept()
        try pushAbsent(villageNode, townshipNode)
        let backup = root + "/village-early.sqlite"
        try villageNode.backup(to: backup)
        let lost = try villageNode.accept(Items.elderCard).number
        try villageNode.act(on: lost, .updateContact, payload: ["phone": "13900000001"], actor: "代办员-赵")
        try pushAbsent(villageNode, townshipNode)
        try restore("village", from: backup, workBeforeTheParent: true)
        try villageNode.accept(Items.relief, applicant: People.li)
        let genuine = try fetchCopies(townshipNode, origin: Self.villageCode, after: 1)
        XCTAssertEqual(genuine.count, 2)

        func snapshot() throws -> [String] {
            try [
                "SELECT count(*) FROM changes", "SELECT count(*) FROM cases", "SELECT coalesce(sum(next), 0) FROM case_counters",
                "SELECT count(*) FROM rebase_log", "SELECT count(*) FROM settings",
            ].map { String(try villageNode.count($0)) } + [Hex.encode(try villageNode.chainHead(of: Self.villageCode).hash)]
        }
        let before = try snapshot()

        // Altered in transit: the payload no longer matches the hash.
        var altered = genuine
        altered[0].payload = ["number": .string(altered[0].entity), "note": "改过"]
        let badHash = assertStoreError("rebase_bad_hash") { try villageNode.adoptOwnChanges(altered) }
        XCTAssertTrue(badHash?.message.contains("#2") ?? false, badHash?.message ?? "")

        // Altered and hashed again: the signature is no longer this node's.
        var rehashed = genuine
        rehashed[1].payload = ["phone": "13000000000"]
        rehashed[1].hash = SHA256.hash(rehashed[1].signingBody)
        assertStoreError("rebase_bad_signature") { try villageNode.adoptOwnChanges(rehashed) }

        // Signed with another key (the relay's, say): refused.
        var resigned = genuine
        let otherKey = try Ed25519SigningKey()
        resigned[1].payload = ["phone": "13000000000"]
        resigned[1].hash = SHA256.hash(resigned[1].signingBody)
        resigned[1].sig = try otherKey.sign(resigned[1].hash)
        let badSignature = assertStoreError("rebase_bad_signature") { try villageNode.adoptOwnChanges(resigned) }
        XCTAssertTrue(badSignature?.message.contains("签名") ?? false)

        // A middle copy altered and hashed again breaks the chain to the next.
        var relinked = genuine
        relinked[0].actor = "冒名"
        relinked[0].hash = SHA256.hash(relinked[0].signingBody)
        assertStoreError("rebase_broken_chain") { try villageNode.adoptOwnChanges(relinked) }

        // Another node's chain, and a gap, are refused too.
        assertStoreError("rebase_foreign_origin") { try villageNode.adoptOwnChanges(try self.fetchCopies(townshipNode, origin: NodeStoreTestCase.countyCode, after: 0)) }
        assertStoreError("rebase_out_of_order") { try villageNode.adoptOwnChanges([genuine[1], genuine[0]]) }

        XCTAssertEqual(try snapshot(), before, "nothing was written")
        try assertVerifiesClean(villageNode)
        // The genuine copies still land.
        XCTAssertEqual(try villageNode.adoptOwnChanges(genuine).renumbered.count, 1)
        try assertVerifiesClean(villageNode)
    }
}
