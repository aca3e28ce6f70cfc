import LiandongDomain
import XCTest

/// The registry folds to the same rows at every replica whatever order its changes arrived in:
/// the newest registration (ties by the larger key), the earliest revocation, the later re-key per
/// cut-over, the latest certificate announcement; refused changes write nothing.
final class RegistryTests: XCTestCase {
    let county = CaseFixtures.county
    let township = CaseFixtures.township
    let pin = "27zVsFQzcExrBaNNtOzVzLXh2+YMp5M8aZxVYyXwdmY="
    let otherPin = "0yVHxMyIRA1OvfN/hEFM59iApYVSMflQjza8wtAuHQU="

    func change(_ kind: String, _ payload: JSONValue, at millis: Int64, from origin: String? = nil, seq: Int64 = 1) -> Change {
        Change(origin: origin ?? county, seq: seq, hlc: HLC(physicalMillis: millis, logical: 0), wall: millis, actor: "admin",
               entity: EntityName.node(township), kind: kind, payload: payload, parties: [EntityName.everyone], prev: Change.zeroHash)
    }

    func registration(key byte: UInt8, name: String = "一乡", at millis: Int64, seq: Int64 = 1) -> Change {
        change(NodeKind.registered, NodeRegistration(code: township, role: .township, name: name, publicKey: Array(repeating: byte, count: 32)).json,
               at: millis, seq: seq)
    }

    func revocation(at millis: Int64, seq: Int64) -> Change {
        change(NodeKind.revoked, NodeRevocation(code: township, reason: "撤并").json, at: millis, seq: seq)
    }

    func node(_ registry: Registry) throws -> RegistryNode {
        guard case .node(let node)? = registry.rows[.node(township)] else { throw XCTSkip("no node row") }
        return node
    }

    func testTheNewestRegistrationStandsWhateverTheOrder() throws {
        let first = registration(key: 1, name: "旧名", at: 1_000, seq: 1)
        let second = registration(key: 2, name: "新名", at: 2_000, seq: 2)
        let forwards = Registry.fold([first, second])
        XCTAssertEqual(forwards, Registry.fold([second, first]))
        let held = try node(forwards)
        XCTAssertEqual(held.name, "新名")
        XCTAssertEqual(held.publicKey, Array(repeating: 2, count: 32))
        XCTAssertEqual(held.registeredHLC, HLC(physicalMillis: 2_000, logical: 0).rawValue)
        XCTAssertEqual(held.registration, ChangeID(origin: county, seq: 2))
    }

    func testATieInTimeGoesToTheLargerKey() throws {
        let small = registration(key: 1, at: 1_000, seq: 1)
        let large = registration(key: 9, at: 1_000, seq: 2)
        XCTAssertEqual(try node(Registry.fold([small, large])).publicKey, Array(repeating: 9, count: 32))
        XCTAssertEqual(try node(Registry.fold([large, small])).publicKey, Array(repeating: 9, count: 32))
    }

    func testTheEarliestRevocationStandsAndARegistrationKeepsIt() throws {
        let early = revocation(at: 3_000, seq: 2)
        let late = revocation(at: 5_000, seq: 3)
        let registered = registration(key: 1, at: 1_000, seq: 1)
        let orders = [[registered, early, late], [late, early, registered], [early, registered, late]]
        let folds = orders.map { Registry.fold($0) }
        XCTAssertEqual(Set(folds.map { try? node($0).revokedHLC }), [HLC(physicalMillis: 3_000, logical: 0).rawValue])
        XCTAssertEqual(Set(folds.map { try? node($0).publicKey }), [Array(repeating: 1, count: 32)])
        XCTAssertEqual(folds[0], folds[1])
    }

    func testARevocationBeforeTheRegistrationKeepsARowWithNoKey() throws {
        var registry = Registry()
        guard case .node(let row)? = registry.apply(revocation(at: 3_000, seq: 2)) else { return XCTFail("a node row") }
        XCTAssertEqual(row.publicKey, [])
        XCTAssertEqual(row.registeredHLC, 0)
        XCTAssertEqual(row.role, .township)
        XCTAssertNil(registry.apply(revocation(at: 4_000, seq: 3)), "a later revocation writes nothing")
    }

    func testAHeldRowTrustedDirectlyGivesWayToAnyRegistration() throws {
        let trusted = RegistryRow.node(RegistryNode(code: township, role: .township, name: "口令", publicKey: Array(repeating: 7, count: 32),
                                                    registeredHLC: 0, revokedHLC: 42))
        let read = try XCTUnwrap(try RegistryChange(registration(key: 1, at: 1_000)))
        guard case .node(let row)? = read.applied(to: trusted) else { return XCTFail("the registration replaces the trusted key") }
        XCTAssertEqual(row.publicKey, Array(repeating: 1, count: 32))
        XCTAssertEqual(row.revokedHLC, 42, "a revocation held stays")
    }

    func testTheLaterRekeyPerCutOverStands() throws {
        let village = CaseFixtures.village
        func rekey(_ byte: UInt8, at millis: Int64, seq: Int64) -> Change {
            Change(origin: township, seq: seq, hlc: HLC(physicalMillis: millis, logical: 0), wall: millis, actor: "admin",
                   entity: EntityName.node(village), kind: NodeRekey.kind,
                   payload: NodeRekey(code: village, publicKey: Array(repeating: byte, count: 32), fromSeq: 10, reason: "硬盘损坏").json,
                   parties: [EntityName.everyone], prev: Change.zeroHash)
        }
        let a = rekey(1, at: 1_000, seq: 1)
        let b = rekey(2, at: 2_000, seq: 2)
        let fold = Registry.fold([b, a])
        XCTAssertEqual(fold, Registry.fold([a, b]))
        guard case .rekey(let row)? = fold.rows[.rekey(code: village, fromSeq: 10)] else { return XCTFail("a re-key row") }
        XCTAssertEqual(row.publicKey, Array(repeating: 2, count: 32))
        XCTAssertEqual(row.origin, township)
    }

    func testTheLatestAnnouncementStands() throws {
        func announce(_ pins: [String], at millis: Int64, seq: Int64) -> Change {
            Change(origin: township, seq: seq, hlc: HLC(physicalMillis: millis, logical: 0), wall: millis, actor: "admin",
                   entity: EntityName.node(township), kind: CertificateAnnouncement.kind,
                   payload: CertificateAnnouncement(code: township, pins: pins).json, parties: [EntityName.everyone], prev: Change.zeroHash)
        }
        let both = announce([pin, otherPin], at: 1_000, seq: 1)
        let retired = announce([otherPin], at: 2_000, seq: 2)
        let fold = Registry.fold([retired, both])
        XCTAssertEqual(fold, Registry.fold([both, retired]))
        guard case .pins(let row)? = fold.rows[.pins(township)] else { return XCTFail("a pins row") }
        XCTAssertEqual(row.pins, [otherPin])
    }

    func testARefusedChangeWritesNothing() {
        var registry = Registry()
        let selfRevocation = change(NodeKind.revoked, NodeRevocation(code: township, reason: "").json, at: 1_000, from: township)
        XCTAssertNil(registry.apply(selfRevocation), "no node revokes itself")
        let villageRegistersTownship = registration(key: 1, at: 1_000)
        var refused = villageRegistersTownship
        refused.origin = CaseFixtures.village
        XCTAssertNil(registry.apply(refused), "a village cannot register its township")
        XCTAssertNil(registry.apply(change(NodeKind.registered, ["code": .string(township)], at: 1_000)), "a payload that does not read")
        XCTAssertNil(registry.apply(change(RestoreHeal.healedKind, ["code": .string(county)], at: 1_000)), "a heal record derives no row")
        XCTAssertEqual(registry, Registry())
    }
}
