import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// Re-enrolment after a lost key with no backup (issue 13 item 5): real stores on temporary files,
/// changes moved with `ingest` and `fetch` the way the sync does. The township re-keys its village;
/// the new PC takes back its old chain signed with the old key and continues it with the new one;
/// a change signed with the old key after the cut-over is refused everywhere.
final class NodeStoreReenrolTests: NodeStoreTestCase {
    static let townshipCode = "330106001"
    static let villageCode = "330106001201"
    private var nodes: [String: NodeStore] = [:]

    override func tearDownWithError() throws {
        nodes.removeAll()
        try super.tearDownWithError()
    }

    /// County, township and village that trust each other, the village with two cases pushed to the county.
    private func makeTree() throws -> (county: NodeStore, township: NodeStore, village: NodeStore) {
        let county = try makeCounty()
        let township = try NodeStore.initialize(directory: nodeDirectory("township"), role: .township, code: Self.townshipCode, name: "转塘街道", now: clock.closure)
        let village = try NodeStore.initialize(directory: nodeDirectory("village"), role: .village, code: Self.villageCode, name: "某村", now: clock.closure)
        for node in [county, township, village] {
            for other in [county, township, village] {
                try node.trust(code: other.identity.code, role: other.identity.role, name: other.identity.name, publicKey: other.identity.publicKey)
            }
        }
        try pullRouted(county, township)
        try pullRouted(township, village)
        _ = try village.accept()
        _ = try village.accept(Items.elderCard, applicant: People.li)
        try pushAbsent(village, township)
        try pushAbsent(township, county)
        nodes = ["county": county, "township": township, "village": village]
        return (county, township, village)
    }

    func testANewPCTakesBackTheOldChainAndContinuesItUnderTheNewKey() throws {
        let (county, township, lost) = try makeTree()
        let oldHead = try township.chainHead(of: Self.villageCode)
        let oldNumbers = try lost.db.query("SELECT number FROM cases ORDER BY number").compactMap { $0.text("number") }
        XCTAssertEqual(oldNumbers.count, 2)

        // The township re-enrols the code; the new PC enrolls with a new key.
        assertStoreError("invalid_reason") { try township.addReenrollment(code: Self.villageCode, reason: " ", actor: "管理员") }
        assertStoreError("not_a_child") { try county.addReenrollment(code: Self.villageCode, reason: "硬盘损坏", actor: "管理员") }
        let invitation = try township.addReenrollment(code: Self.villageCode, reason: "硬盘损坏，密钥丢失", actor: "管理员-周")
        let fresh = try NodeStore.initialize(directory: nodeDirectory("village-new"), role: .village, code: Self.villageCode, name: "某村", now: clock.closure)
        nodes["fresh"] = fresh
        assertStoreError("key_reused") {
            try township.enroll(token: invitation.token, code: Self.villageCode, role: .village, name: "某村", publicKey: lost.identity.publicKey)
        }
        let grant = try township.enroll(token: invitation.token, code: Self.villageCode, role: .village, name: "某村", publicKey: fresh.identity.publicKey)
        let own = try XCTUnwrap(grant.registry.first { $0.code == Self.villageCode })
        XCTAssertEqual(own.publicKey, fresh.identity.publicKey)
        XCTAssertEqual(own.history.map(\.fromSeq), [1, oldHead.seq + 1])
        XCTAssertEqual(own.history.first?.publicKey, lost.identity.publicKey, "the old chain stays visible under its key")
        let rekey = try XCTUnwrap(try township.changes(ofEntity: EntityName.node(Self.villageCode)).last)
        XCTAssertEqual(rekey.kind, NodeRekey.kind)
        XCTAssertEqual(rekey.actor, "管理员-周")
        XCTAssertEqual(try NodeRekey.parse(rekey.payload), NodeRekey(code: Self.villageCode, publicKey: fresh.identity.publicKey, fromSeq: oldHead.seq + 1, reason: "硬盘损坏，密钥丢失"))

        try fresh.trustRegistry(grant.registry + [grant.parent])
        XCTAssertTrue(try fresh.isReenrolled())
        try fresh.awaitOwnChainFromParent()
        XCTAssertThrowsError(try fresh.accept(), "nothing is recorded before the old chain is back")

        // The first exchange: its old chain comes back, checked with the old key.
        XCTAssertEqual(try fresh.divergence(parentHead: oldHead), .behind(fetchAfter: 0))
        let adopted = try fresh.adoptOwnChanges(try fetchCopies(township, origin: Self.villageCode, after: 0))
        XCTAssertEqual(adopted.adopted.count, Int(oldHead.seq))
        XCTAssertEqual(try fresh.noteParentHead(oldHead), .inStep)
        try pullRouted(township, fresh)
        XCTAssertEqual(try fresh.db.query("SELECT number FROM cases ORDER BY number").compactMap { $0.text("number") }, oldNumbers)

        // A change the thief signs with the old key after the cut-over: refused at the township and, relayed, at the county.
        let forged = try lost.accept(Items.elderCard, applicant: People.zhang)
        let forgedChange = try XCTUnwrap(try lost.db.storedChanges(where: "origin = ? AND seq = ?", [.text(Self.villageCode), .integer(oldHead.seq + 1)]).first)
        let refused = try township.ingest([forgedChange], from: Self.villageCode)
        XCTAssertEqual(refused.quarantined.map(\.reason), [QuarantineReason.retiredKey])
        try pushAbsent(township, county)
        XCTAssertEqual(try county.ingest([forgedChange], from: Self.townshipCode).quarantined.map(\.reason), [QuarantineReason.retiredKey])
        XCTAssertNil(try county.caseState(forged.number))

        // The new PC goes on after the old seqs and numbers; its new case reaches the county.
        let next = try fresh.accept(Items.elderCard, applicant: People.zhang)
        XCTAssertFalse(oldNumbers.contains(next.number))
        XCTAssertGreaterThan(next.number, oldNumbers.max() ?? "")
        XCTAssertEqual(try fresh.chainHead(of: Self.villageCode).seq, oldHead.seq + 1)
        XCTAssertEqual(try pushAbsent(fresh, township).quarantined, [])
        XCTAssertEqual(try township.ingest([forgedChange], from: Self.villageCode).quarantined.map(\.reason), [QuarantineReason.retiredKey],
                       "the old key signing a seq the new key signed is no fork of the genuine node")
        XCTAssertEqual(try pushAbsent(township, county).quarantined, [])
        XCTAssertNotNil(try county.caseState(next.number))
        XCTAssertEqual(try county.registryEntry(of: Self.villageCode)?.history.count, 2)
        for node in [county, township, fresh] { try assertVerifiesClean(node) }

        // The old PC, back from the dead, learns of the re-key: verify names its change after the cut-over.
        try pullRouted(township, lost)
        let stale = try lost.verify().problems.filter { $0.code == QuarantineReason.retiredKey }
        XCTAssertEqual(stale.map(\.change), [ChangeID(origin: Self.villageCode, seq: oldHead.seq + 1)])
        XCTAssertEqual(try lost.verify().problems.filter { $0.code != QuarantineReason.retiredKey }.map(\.code), [])

        // An edited new key (a forger's) is caught by verify against the log.
        try rawDatabase().run("UPDATE node_rekeys SET public_key = ? WHERE code = ?", .blob(lost.identity.publicKey), .text(Self.villageCode))
        XCTAssertEqual(Set(try reopen().verify().problems.map(\.code)), ["registry_mismatch", "bad_signature"],
                       "the new case no longer verifies with the edited key, and the edit shows against the log")
    }

    func testARepeatedReenrolmentAnswerRecordsTheRekeyOnceAndANewTokenReplacesAnUnusedOne() throws {
        let (_, township, lost) = try makeTree()
        _ = try township.addReenrollment(code: Self.villageCode, reason: "第一次", actor: "管理员")
        let invitation = try township.addReenrollment(code: Self.villageCode, reason: "硬盘损坏", actor: "管理员")
        XCTAssertEqual(try township.pendingEnrollments().map(\.code), [Self.villageCode])
        let newKey = try Ed25519SigningKey().publicKey
        let grant = try township.enroll(token: invitation.token, code: Self.villageCode, role: .village, name: "某村", publicKey: newKey)
        XCTAssertEqual(try township.enroll(token: invitation.token, code: Self.villageCode, role: .village, name: "某村", publicKey: newKey), grant,
                       "a child that lost the answer asks again")
        XCTAssertEqual(try township.changes(ofEntity: EntityName.node(Self.villageCode)).filter { $0.kind == NodeRekey.kind }.count, 1)
        assertStoreError("invalid_token") {
            try township.enroll(token: invitation.token, code: Self.villageCode, role: .village, name: "某村", publicKey: try Ed25519SigningKey().publicKey)
        }
        // The old PC's requests and changes no longer pass: its key signs nothing new.
        XCTAssertEqual(try township.registryEntry(of: Self.villageCode)?.publicKey, newKey)
        XCTAssertNotEqual(newKey, lost.identity.publicKey)
        try assertVerifiesClean(township)
    }

    /// The wire forms of Protocol/vectors/messages.json read as the schemas say (check_vectors.py
    /// checks the same documents against the schemas): the re-key payload and change, the history in
    /// the enroll answer, and the refused payloads.
    func testTheProtocolVectorsOfTheRekeyReadAsTheSchemasSay() throws {
        let path = Examples.directory + "/../../Protocol/vectors/messages.json"
        let vectors = try JSONParser.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: path))))
        func messages(_ list: String, _ schema: String) -> [(String, JSONValue)] {
            (vectors[list]?.arrayValue ?? []).filter { $0["schema"]?.stringValue == schema }.compactMap { entry in
                entry["message"].map { (entry["name"]?.stringValue ?? "", $0) }
            }
        }
        let payloads = messages("valid", "node-rekeyed")
        XCTAssertEqual(payloads.count, 1)
        XCTAssertEqual(try NodeRekey.parse(payloads[0].1).fromSeq, 58)
        for (name, payload) in messages("invalid", "node-rekeyed") { XCTAssertThrowsError(try NodeRekey.parse(payload), name) }
        let change = try Change(wire: try XCTUnwrap(messages("valid", "change").first { $0.1["kind"]?.stringValue == NodeRekey.kind }?.1))
        XCTAssertNil(ChangeKinds.problem(of: change), "made by the village's direct parent")
        let answer = try XCTUnwrap(messages("valid", "enroll-response").first { $0.0.contains("re-enrolled") }?.1)
        let grant = try EnrollmentGrant.parse(answer)
        let village = try XCTUnwrap(grant.registry.first { !$0.history.isEmpty })
        XCTAssertEqual(village.history.map(\.fromSeq), [1, 58])
        XCTAssertEqual(village.history.last?.publicKey, village.publicKey)
        XCTAssertEqual(village.json["keys"], answer["registry"]?.arrayValue?.last?["keys"], "the Swift encoder writes what the vector says")
    }
}
