import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

/// The quarantine (隔离区): a change refused for a reason that can pass later (its origin's
/// registration arrives, the receiver's clock catches up) is checked again when sent again or
/// retried, and lands; a permanent reason stays.
final class NodeStoreQuarantineTests: NodeStoreTestCase {
    private let township = "330106001"
    private let village = "330106001201"

    /// A county, a township enrolled with it and a village enrolled with the township. The county
    /// has not seen the township's registration of the village: the village is unknown there.
    private func makeTree() throws -> (county: NodeStore, township: NodeStore, village: NodeStore) {
        let county = try makeCounty()
        try county.registerSelf()
        let town = try NodeStore.initialize(directory: nodeDirectory("township"), role: .township, code: township, name: "转塘街道", now: clock.closure)
        try enroll(town, with: county)
        _ = try town.ingest(try everything(county, except: township), from: county.identity.code)
        let vil = try NodeStore.initialize(directory: nodeDirectory("village"), role: .village, code: village, name: "某村代办点", now: clock.closure)
        try enroll(vil, with: town)
        _ = try vil.ingest(try everything(town, except: village), from: township)
        return (county, town, vil)
    }

    private func enroll(_ child: NodeStore, with parent: NodeStore) throws {
        let id = child.identity
        let invitation = try parent.addEnrollment(code: id.code, role: id.role, name: id.name)
        let grant = try parent.enroll(token: invitation.token, code: id.code, role: id.role, name: id.name, publicKey: id.publicKey)
        try child.trustRegistry(grant.registry + [grant.parent])
    }

    private func everything(_ store: NodeStore, except origin: String) throws -> [Change] {
        try store.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin != origin }
    }

    /// The village's changes as the township relays them, without the township's own (its registration of the village).
    private func villageChanges(_ town: NodeStore) throws -> [Change] {
        try town.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin == village }
    }

    private func quarantineRows(_ store: NodeStore, _ reason: String? = nil) throws -> Int64 {
        try store.count("SELECT count(*) FROM quarantine" + (reason.map { " WHERE reason = '\($0)'" } ?? ""))
    }

    /// A change of a node registered by the county, signed with its key, `skew` ms ahead of the clock.
    private func signed(_ key: Ed25519SigningKey, origin: String, seq: Int64 = 1, prev: [UInt8] = Change.zeroHash, ahead skew: Int64 = 0,
                        subject: String) throws -> Change {
        let at = clock.now + skew
        var change = Change(origin: origin, seq: seq, hlc: HLC(physicalMillis: at, logical: 0), wall: at, actor: "admin",
                            entity: EntityName.node(subject), kind: NodeKind.registered,
                            payload: NodeRegistration(code: subject, role: .village, name: "某村", publicKey: try Ed25519SigningKey().publicKey).json,
                            parties: ["*"], prev: prev)
        change.hash = SHA256.hash(change.signingBody)
        change.sig = try key.sign(change.hash)
        return change
    }

    // MARK: Sent again

    func testAnUnknownOriginsChangesLandWhenSentAgainAfterItsRegistrationArrived() throws {
        let (county, town, vil) = try makeTree()
        let accepted = try vil.accept(Items.elderCard)
        _ = try town.ingest(try everything(vil, except: township), from: village)
        let relayed = try villageChanges(town)
        XCTAssertFalse(relayed.isEmpty)

        let first = try county.ingest(relayed, from: township)
        XCTAssertEqual(first.stored, [])
        XCTAssertEqual(first.quarantined.map(\.reason), Array(repeating: QuarantineReason.unknownOrigin, count: relayed.count))
        XCTAssertEqual(try quarantineRows(county, QuarantineReason.unknownOrigin), Int64(relayed.count))

        // The registration comes in another batch; then the township sends the village's changes again.
        let registration = try town.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin == township }
        XCTAssertEqual(try county.ingest(registration, from: township).quarantined, [])
        let again = try county.ingest(relayed, from: township)
        XCTAssertEqual(again.quarantined, [])
        XCTAssertEqual(again.stored.count, relayed.count)
        XCTAssertEqual(try quarantineRows(county), 0, "the rows go in the transaction that stores the changes")
        XCTAssertEqual(try county.caseState(accepted.number)?.number, accepted.number)
        try assertVerifiesClean(county)
    }

    func testAChangeAheadOfTheReceiversClockLandsWhenSentAgainOnceTheClockCaughtUp() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let ahead = try signed(key, origin: township, ahead: 10 * 60_000, subject: village)
        XCTAssertEqual(try county.ingest([ahead], from: township).quarantined.map(\.reason), [QuarantineReason.clockSkew])
        XCTAssertEqual(try county.ingest([ahead], from: township).quarantined.map(\.reason), [QuarantineReason.clockSkew],
                       "still ahead: checked again and refused again, one row")
        XCTAssertEqual(try quarantineRows(county), 1)

        clock.advance(millis: 6 * 60_000)
        let outcome = try county.ingest([ahead], from: township)
        XCTAssertEqual(outcome.stored, [ChangeID(origin: township, seq: 1)])
        XCTAssertEqual(try quarantineRows(county), 0)
        XCTAssertNotNil(try county.registryEntry(of: village))
    }

    func testABadHashCopyStaysQuarantinedWhenSentAgainAndTheGenuineOneStillLands() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let genuine = try signed(key, origin: township, subject: village)
        var altered = genuine
        altered.actor = "attacker"
        for _ in 0..<2 {
            let outcome = try county.ingest([altered], from: township)
            XCTAssertEqual(outcome.quarantined.map(\.reason), [QuarantineReason.badHash])
            XCTAssertEqual(outcome.stored, [])
        }
        XCTAssertEqual(try quarantineRows(county, QuarantineReason.badHash), 1)

        XCTAssertEqual(try county.ingest([genuine], from: township).stored.count, 1, "a bad copy says nothing of the genuine change")
        let row = try XCTUnwrap(try county.quarantinedChanges().first)
        XCTAssertEqual(row.reason, QuarantineReason.badHash, "the evidence of the altered copy stays")
        XCTAssertTrue(row.held)
    }

    func testAChangeRelayedByANeighbourOutsideItsSubtreeStillLandsFromItsOwnRelay() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let change = try signed(key, origin: township, subject: village)
        let other = "330106002"
        XCTAssertEqual(try county.ingest([change], from: other).quarantined.map(\.reason), [QuarantineReason.notInSubtree])
        XCTAssertEqual(try county.ingest([change], from: other).quarantined.map(\.reason), [QuarantineReason.notInSubtree],
                       "the wrong relay is refused again")
        XCTAssertEqual(try county.ingest([change], from: township).stored.count, 1, "the row judged the relay, not the change")
        let row = try XCTUnwrap(try county.quarantinedChanges().first)
        XCTAssertEqual(row.reason, QuarantineReason.notInSubtree, "the evidence of the wrong relay stays")
        XCTAssertTrue(row.held)
    }

    func testAPermanentReasonStaysADuplicateWhenSentAgain() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let foreign = "330106002201"
        let outside = try signed(key, origin: township, subject: foreign)
        XCTAssertEqual(try county.ingest([outside], from: township).quarantined.map(\.reason), [QuarantineReason.notAuthorized])
        let again = try county.ingest([outside], from: township)
        XCTAssertEqual(again.duplicates, 1)
        XCTAssertEqual(again.quarantined, [])
        XCTAssertEqual(try quarantineRows(county, QuarantineReason.notAuthorized), 1)
    }

    func testAMalformedRowIsCheckedAgainWhenTheChangeDecodes() throws {
        // A receiver that could not decode a change (an older version) and was upgraded since.
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let change = try signed(key, origin: township, subject: village)
        try county.quarantineMalformed(origin: township, seq: 1, hash: change.hash, message: "字段 v 不正确", wire: change.wireJSON.canonicalString,
                                       from: township)
        XCTAssertEqual(try county.ingest([change], from: township).stored.count, 1)
        XCTAssertEqual(try quarantineRows(county), 0)
    }

    // MARK: Retry

    func testRetryLandsAnUnknownOriginChangeOnceItsRegistrationArrived() throws {
        let (county, town, vil) = try makeTree()
        let accepted = try vil.accept(Items.elderCard)
        _ = try town.ingest(try everything(vil, except: township), from: village)
        let relayed = try villageChanges(town)
        _ = try county.ingest(relayed, from: township)
        let ids = relayed.map { ChangeID(origin: $0.origin, seq: $0.seq) }

        // Before the registration: still refused, for the same reason, nothing lost.
        let early = try county.retryQuarantined(ids)
        XCTAssertEqual(early.map(\.result), Array(repeating: .quarantined, count: ids.count))
        XCTAssertEqual(early.compactMap(\.reason), Array(repeating: QuarantineReason.unknownOrigin, count: ids.count))
        XCTAssertEqual(try quarantineRows(county), Int64(ids.count))

        // The registration arrives by another path (pulled from the parent, say): the relayed
        // changes are not sent again, the administrator retries them.
        _ = try county.ingest(try town.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin == township }, from: township)
        let retried = try county.retryQuarantined(nil)
        XCTAssertEqual(Set(retried.map(\.change.id)), Set(ids))
        XCTAssertEqual(retried.map(\.result), Array(repeating: .landed, count: ids.count))
        XCTAssertEqual(retried.first?.change.source, township)
        XCTAssertEqual(try quarantineRows(county), 0)
        XCTAssertEqual(try county.caseState(accepted.number)?.number, accepted.number)
        XCTAssertEqual(try county.count("SELECT count(*) FROM changes WHERE origin = ? AND source = ?", [.text(village), .text(township)]),
                       Int64(ids.count), "stored as if the township had sent them again")
        try assertVerifiesClean(county)
    }

    func testRetryOfAPermanentReasonStaysQuarantined() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let outside = try signed(key, origin: township, subject: "330106002201")
        var altered = try signed(key, origin: township, seq: 2, prev: outside.hash, subject: village)
        altered.actor = "attacker"
        _ = try county.ingest([outside, altered], from: township)
        let before = try county.quarantinedChanges()
        XCTAssertEqual(Set(before.map(\.reason)), [QuarantineReason.notAuthorized, QuarantineReason.badHash])

        let results = try county.retryQuarantined([ChangeID(origin: township, seq: 1), ChangeID(origin: township, seq: 2)])
        XCTAssertEqual(results.map(\.result), [.quarantined, .quarantined])
        XCTAssertEqual(Set(results.compactMap(\.reason)), [QuarantineReason.notAuthorized, QuarantineReason.badHash])
        XCTAssertEqual(try county.quarantinedChanges().map(\.reason).sorted(), before.map(\.reason).sorted())
        XCTAssertEqual(try county.count("SELECT count(*) FROM changes WHERE origin = ?", [.text(township)]), 0)
    }

    func testRetryOfAChangeNotInQuarantineChangesNothing() throws {
        let (county, town, vil) = try makeTree()
        try vil.accept(Items.elderCard)
        _ = try town.ingest(try everything(vil, except: township), from: village)
        let relayed = try villageChanges(town)
        _ = try county.ingest(relayed, from: township)
        _ = try county.ingest(try town.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin == township }, from: township)

        let error = assertStoreError("not_quarantined") {
            try county.retryQuarantined([ChangeID(origin: village, seq: 1), ChangeID(origin: village, seq: 999)])
        }
        XCTAssertEqual(error?.details["missing"], "\(village)#999")
        XCTAssertEqual(try quarantineRows(county), Int64(relayed.count), "one unknown name: nothing retried")
        XCTAssertEqual(try county.count("SELECT count(*) FROM changes WHERE origin = ?", [.text(village)]), 0)
    }

    func testQuarantinedChangesAreListedNewestFirstWithKindAndSource() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let outside = try signed(key, origin: township, subject: "330106002201")
        _ = try county.ingest([outside], from: township)
        clock.advance(millis: 1000)
        let unknown = try signed(try Ed25519SigningKey(), origin: village, subject: "330106001202")
        _ = try county.ingest([unknown], from: township)

        let rows = try county.quarantinedChanges()
        XCTAssertEqual(rows.map(\.id.description), ["\(village)#1", "\(township)#1"])
        XCTAssertEqual(rows.map(\.reason), [QuarantineReason.unknownOrigin, QuarantineReason.notAuthorized])
        XCTAssertEqual(rows.map(\.kind), [NodeKind.registered, NodeKind.registered])
        XCTAssertEqual(rows.map(\.source), [township, township])
        XCTAssertEqual(rows.first?.receivedAt, clock.now)
        XCTAssertEqual(try county.quarantinedChanges(limit: 1).count, 1)
        XCTAssertEqual(try county.quarantineCounts(), [QuarantineReason.unknownOrigin: 1, QuarantineReason.notAuthorized: 1])
    }
}
