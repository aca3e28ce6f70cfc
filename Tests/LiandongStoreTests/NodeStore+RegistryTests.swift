import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

/// The registry (节点登记表) travels in the log: registrations and revocations reach every node,
/// keys let each node check every signature, and a revoked node's later changes are refused.
final class NodeStoreRegistryTests: NodeStoreTestCase {
    private let countyCode = NodeStoreTestCase.countyCode
    private let township = "330106001"
    private let village = "330106001201"

    /// A county, a township enrolled with it and a village enrolled with the township, each given
    /// what its parent holds, as sync would.
    private func makeTree() throws -> (county: NodeStore, township: NodeStore, village: NodeStore) {
        let county = try makeCounty()
        try county.registerSelf()
        let town = try NodeStore.initialize(directory: nodeDirectory("township"), role: .township, code: township, name: "转塘街道", now: clock.closure)
        try enroll(town, with: county)
        try ship(from: county, to: town)
        let vil = try NodeStore.initialize(directory: nodeDirectory("village"), role: .village, code: village, name: "某村代办点", now: clock.closure)
        try enroll(vil, with: town)
        try ship(from: town, to: vil)
        return (county, town, vil)
    }

    private func enroll(_ child: NodeStore, with parent: NodeStore) throws {
        let id = child.identity
        let invitation = try parent.addEnrollment(code: id.code, role: id.role, name: id.name)
        let grant = try parent.enroll(token: invitation.token, code: id.code, role: id.role, name: id.name, publicKey: id.publicKey)
        try child.trustRegistry(grant.registry + [grant.parent])
    }

    /// Everything `from` holds that `to` did not make, in one batch.
    @discardableResult
    private func ship(from source: NodeStore, to target: NodeStore) throws -> IngestOutcome {
        let batch = try source.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin != target.identity.code }
        return try target.ingest(batch, from: source.identity.code)
    }

    private func signed(_ key: Ed25519SigningKey, origin: String, seq: Int64 = 1, prev: [UInt8] = Change.zeroHash, kind: String,
                        code: String, payload: JSONValue) throws -> Change {
        var change = Change(origin: origin, seq: seq, hlc: HLC(physicalMillis: clock.now, logical: 0), wall: clock.now, actor: "admin",
                            entity: EntityName.node(code), kind: kind, payload: payload, parties: ["*"], prev: prev)
        change.hash = SHA256.hash(change.signingBody)
        change.sig = try key.sign(change.hash)
        return change
    }

    func testARegistrationMadeByATownshipTravelsToTheCountyWithTheVillagesChanges() throws {
        let (county, town, vil) = try makeTree()
        XCTAssertEqual(try vil.registryEntry(of: countyCode)?.publicKey, county.identity.publicKey, "the village learnt the root's key")
        let accepted = try vil.accept(Items.elderCard)
        try ship(from: vil, to: town)
        // One batch from the township: its registration of the village, then the village's changes.
        let batch = try town.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin != countyCode }
        XCTAssertTrue(batch.contains { $0.kind == NodeKind.registered && $0.origin == township })
        XCTAssertTrue(batch.contains { $0.origin == village })
        let outcome = try county.ingest(batch, from: township)
        XCTAssertEqual(outcome.quarantined, [], "\(outcome.quarantined)")
        XCTAssertEqual(outcome.stored.count, batch.count)
        XCTAssertEqual(try county.registryEntry(of: village)?.publicKey, vil.identity.publicKey)
        XCTAssertEqual(try county.caseState(accepted.number)?.number, accepted.number)
        for store in [county, town, vil] { try assertVerifiesClean(store) }
    }

    func testARevokedVillagesLaterChangesAreQuarantinedEverywhere() throws {
        let (county, town, vil) = try makeTree()
        try vil.accept(Items.elderCard)
        try ship(from: vil, to: town)
        try ship(from: town, to: county)
        clock.advance(millis: 1000)
        let revocation = try XCTUnwrap(try county.revoke(code: village, reason: "代办点撤并", actor: "admin"))
        XCTAssertEqual(revocation.parties, ["*"])
        XCTAssertEqual(try ship(from: county, to: town).quarantined, [])
        XCTAssertEqual(try town.registryEntry(of: village)?.revokedHLC, revocation.hlc.rawValue)

        clock.advance(millis: 1000)
        let late = try vil.accept(Items.elderCard)
        for parent in [town, county] {
            let outcome = try ship(from: vil, to: parent)
            XCTAssertEqual(outcome.quarantined.map(\.reason), [QuarantineReason.revokedOrigin], "\(parent.identity.code)")
            XCTAssertNil(try parent.caseState(late.number))
        }
        for store in [county, town] { try assertVerifiesClean(store) }
    }

    func testTheEarliestRevocationAndTheNewestRegistrationWin() throws {
        let (county, town, _) = try makeTree()
        try ship(from: town, to: county)
        clock.advance(millis: 1000)
        let fromTownship = try XCTUnwrap(try town.revoke(code: village, reason: "先撤", actor: "admin"))
        clock.advance(millis: 1000)
        _ = try county.revoke(code: village, reason: "后撤", actor: "admin")
        try ship(from: town, to: county)
        try ship(from: county, to: town)
        for store in [county, town] {
            XCTAssertEqual(try store.registryEntry(of: village)?.revokedHLC, fromTownship.hlc.rawValue, store.identity.code)
            try assertVerifiesClean(store)
        }
    }

    func testARevocationThatArrivesBeforeTheRegistrationStillHolds() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let villageKey = try Ed25519SigningKey()
        let registration = try signed(key, origin: township, kind: NodeKind.registered, code: village,
                                      payload: NodeRegistration(code: village, role: .village, name: "某村", publicKey: villageKey.publicKey).json)
        clock.advance(millis: 10)
        let revocation = try signed(key, origin: township, seq: 2, prev: registration.hash, kind: NodeKind.revoked, code: village,
                                    payload: NodeRevocation(code: village, reason: "撤并").json)
        XCTAssertEqual(try county.ingest([revocation], from: township).stored.count, 1)
        XCTAssertEqual(try county.ingest([registration], from: township).stored.count, 1)
        let entry = try XCTUnwrap(try county.registryEntry(of: village))
        XCTAssertEqual(entry.publicKey, villageKey.publicKey)
        XCTAssertEqual(entry.revokedHLC, revocation.hlc.rawValue)
        try assertVerifiesClean(county)
    }

    func testTheNewestRegistrationWinsWhicheverArrivesFirst() throws {
        let key = try Ed25519SigningKey()
        let older = try Ed25519SigningKey().publicKey
        let newer = try Ed25519SigningKey().publicKey
        let first = try signed(key, origin: township, kind: NodeKind.registered, code: village,
                               payload: NodeRegistration(code: village, role: .village, name: "某村", publicKey: older).json)
        clock.advance(millis: 10)
        let second = try signed(key, origin: township, seq: 2, prev: first.hash, kind: NodeKind.registered, code: village,
                                payload: NodeRegistration(code: village, role: .village, name: "某村（新）", publicKey: newer).json)
        for (index, order) in [[first, second], [second, first]].enumerated() {
            let county = try NodeStore.initialize(directory: nodeDirectory("county\(index)"), role: .county, code: countyCode, name: "县", now: clock.closure)
            try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
            for change in order { XCTAssertEqual(try county.ingest([change], from: township).stored.count, 1) }
            let entry = try XCTUnwrap(try county.registryEntry(of: village))
            XCTAssertEqual(entry.publicKey, newer, "order \(index)")
            XCTAssertEqual(entry.name, "某村（新）")
            XCTAssertEqual(entry.registeredHLC, second.hlc.rawValue)
            try assertVerifiesClean(county)
        }
    }

    func testRegistryChangesOutsideTheOriginsAuthorityAreQuarantined() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let foreign = "330106002201"
        let outside = try signed(key, origin: township, kind: NodeKind.registered, code: foreign,
                                 payload: NodeRegistration(code: foreign, role: .village, name: "别镇的村", publicKey: try Ed25519SigningKey().publicKey).json)
        let selfRevoked = try signed(key, origin: township, seq: 2, prev: outside.hash, kind: NodeKind.revoked, code: township,
                                     payload: NodeRevocation(code: township, reason: "").json)
        let outcome = try county.ingest([outside, selfRevoked], from: township)
        XCTAssertEqual(outcome.quarantined.map(\.reason), [QuarantineReason.notAuthorized, QuarantineReason.notAuthorized])
        XCTAssertNil(try county.registryEntry(of: foreign))
        XCTAssertNil(try county.registryEntry(of: township)?.revokedHLC)
    }

    func testAnInvalidRegistrationIsAConflictAndRegistersNothing() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let key = try Ed25519SigningKey()
        try county.trust(code: township, role: .township, name: "转塘", publicKey: key.publicKey)
        let bad = try signed(key, origin: township, kind: NodeKind.registered, code: village,
                             payload: ["code": .string(village), "role": "township", "name": "某村", "publicKey": "00"])
        XCTAssertEqual(try county.ingest([bad], from: township).stored.count, 1)
        XCTAssertNil(try county.registryEntry(of: village))
        let conflict = try XCTUnwrap(try county.db.query("SELECT rule, entity FROM conflicts").first)
        XCTAssertEqual(conflict.text("rule"), "invalid_payload")
        XCTAssertEqual(conflict.text("entity"), EntityName.node(village))
        try assertVerifiesClean(county)
    }

    func testRecordingAnInvalidRegistrationHereWritesNothing() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        let draft = ChangeDraft(actor: "admin", entity: EntityName.node(township), kind: NodeKind.registered,
                                payload: ["code": .string(township), "role": "township", "name": "", "publicKey": .string(String(repeating: "ab", count: 32))])
        XCTAssertThrowsError(try county.record(draft))
        XCTAssertEqual(try county.changes(afterLSN: 0, limit: 10).count, 0)
    }

    func testVerifyCatchesATamperedRegistryRow() throws {
        let (county, _, _) = try makeTree()
        try assertVerifiesClean(county)
        let forged = try Ed25519SigningKey().publicKey
        try rawDatabase().run("UPDATE nodes SET public_key = ? WHERE code = ?", .blob(forged), .text(township))
        var problems = try reopen().verify().problems
        XCTAssertEqual(problems.map(\.code), ["registry_mismatch"])
        XCTAssertEqual(problems.first?.entity, EntityName.node(township))

        try rawDatabase().run("DELETE FROM nodes WHERE code = ?", .text(township))
        problems = try reopen().verify().problems
        XCTAssertEqual(problems.map(\.code), ["registry_missing"])
    }

    func testVerifyCatchesAClearedRevocation() throws {
        let (county, _, _) = try makeTree()
        _ = try county.revoke(code: township, reason: "测试", actor: "admin")
        try assertVerifiesClean(county)
        try rawDatabase().run("UPDATE nodes SET revoked_hlc = NULL WHERE code = ?", .text(township))
        let problems = try reopen().verify().problems
        XCTAssertEqual(problems.map(\.code), ["registry_mismatch"])
        XCTAssertTrue(problems.first?.message.contains("撤销") ?? false)
    }

    func testVerifyFoldsCertificatePinsWithTheStoresRule() throws {
        let county = try makeCounty(catalog: false, calendar: false)
        _ = try county.announceCertificate(pins: ["27zVsFQzcExrBaNNtOzVzLXh2+YMp5M8aZxVYyXwdmY="], actor: "admin")
        try assertVerifiesClean(county)
        try rawDatabase().run("UPDATE certificate_pins SET pins = ? WHERE code = ?", .text("0yVHxMyIRA1OvfN/hEFM59iApYVSMflQjza8wtAuHQU="), .text(countyCode))
        let problems = try reopen().verify().problems
        XCTAssertEqual(problems.map(\.code), ["registry_mismatch"])
        XCTAssertEqual(problems.first?.entity, EntityName.node(countyCode))
    }

    func testInitThatFailsAfterTheKeyIsWrittenRemovesItAndCanBeRetried() throws {
        // A directory where SQLite's WAL file should go makes the database fail after the key is written.
        let directory = nodeDirectory("broken")
        let obstacle = directory + "/" + NodeStore.databaseName + "-wal"
        try FileManager.default.createDirectory(atPath: obstacle + "/x", withIntermediateDirectories: true)
        XCTAssertThrowsError(try NodeStore.initialize(directory: directory, role: .county, code: countyCode, name: "县", now: clock.closure))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/node.key"), "the key is removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/" + NodeStore.databaseName), "the database is removed")
        try? FileManager.default.removeItem(atPath: obstacle)
        XCTAssertNoThrow(try NodeStore.initialize(directory: directory, role: .county, code: countyCode, name: "县", now: clock.closure),
                         "the second attempt is not refused as already initialized")
    }
}
