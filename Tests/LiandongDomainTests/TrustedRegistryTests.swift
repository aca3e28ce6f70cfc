import LiandongDomain
import XCTest

/// The enroll answer's registry snapshot and keys wired up by hand: which rows they write over the
/// rows held, as plain values (LiandongDomain/Registry/TrustedRegistry.swift).
final class TrustedRegistryTests: XCTestCase {
    let township = CaseFixtures.township
    let village = CaseFixtures.village

    func key(_ byte: UInt8) -> [UInt8] { Array(repeating: byte, count: 32) }

    func node(_ code: String, name: String = "一乡", key byte: UInt8, registeredHLC: Int64 = 0, revokedHLC: Int64? = nil) -> RegistryNode {
        RegistryNode(code: code, role: NodeCode.role(of: code)!, name: name, publicKey: key(byte), registeredHLC: registeredHLC, revokedHLC: revokedHLC)
    }

    /// A village re-keyed from seq 58: registered with key 1, signing with key 2.
    var rekeyedVillage: RegistryEntry {
        RegistryEntry(node(village, name: "一村", key: 1), history: [KeyEpoch(fromSeq: 1, publicKey: key(1)), KeyEpoch(fromSeq: 58, publicKey: key(2))])
    }

    func held(_ rows: RegistryRow...) -> [RegistryKey: RegistryRow] {
        Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0) })
    }

    func testASnapshotIntoAnEmptyRegistryHoldsEveryEntryUnregistered() {
        let township = RegistryEntry(node(township, key: 9, revokedHLC: 500))
        let keys = Registry.keys(trusting: [township, rekeyedVillage])
        XCTAssertEqual(keys, [.node(self.township), .node(village), .rekey(code: village, fromSeq: 58)])
        let rows = Registry.trusting([township, rekeyedVillage], over: [:])
        XCTAssertEqual(rows, [
            .node(node(self.township, key: 9, revokedHLC: 500)),
            .rekey(RekeyRow(code: village, fromSeq: 58, publicKey: key(2), reason: "", origin: "", actor: "", hlc: 0)),
            .node(node(village, name: "一村", key: 1)),
        ].sorted { $0.key < $1.key }, "the row holds the registered key, the re-key its own row, with no HLC")
    }

    func testARegisteredCodeKeepsItsRowButTakesAnEarlierRevocation() {
        let registered = node(township, name: "日志里的名字", key: 3, registeredHLC: 7_000, revokedHLC: 900)
        let earlier = RegistryEntry(node(township, name: "快照", key: 9, revokedHLC: 500))
        var expected = registered
        expected.revokedHLC = 500
        XCTAssertEqual(Registry.trusting([earlier], over: held(.node(registered))), [.node(expected)])
        let later = RegistryEntry(node(township, name: "快照", key: 9, revokedHLC: 1_200))
        XCTAssertEqual(Registry.trusting([later], over: held(.node(registered))), [], "the earliest revocation stands; nothing changes")
    }

    func testAnUnregisteredRowTakesTheSnapshotsKeyAndKeepsItsRevocation() {
        let trusted = node(township, name: "旧", key: 1, revokedHLC: 300)
        let rows = Registry.trusting([RegistryEntry(node(township, name: "新", key: 2))], over: held(.node(trusted)))
        XCTAssertEqual(rows, [.node(node(township, name: "新", key: 2, revokedHLC: 300))])
    }

    func testAReKeyHeldStays() {
        let logged = RekeyRow(code: village, fromSeq: 58, publicKey: key(7), reason: "硬盘损坏", origin: township, actor: "admin", hlc: 4_000)
        let rows = Registry.trusting([rekeyedVillage], over: held(.rekey(logged), .node(node(village, name: "一村", key: 1))))
        XCTAssertEqual(rows, [], "both rows are held as the snapshot says, or better")
    }

    func testACodeListedTwiceIsTrustedInListOrder() {
        let first = RegistryEntry(node(township, name: "甲", key: 1, revokedHLC: 800))
        let second = RegistryEntry(node(township, name: "乙", key: 2, revokedHLC: 600))
        XCTAssertEqual(Registry.trusting([first, second], over: [:]), [.node(node(township, name: "乙", key: 2, revokedHLC: 600))])
    }

    func testTheLogsRegistrationReplacesASnapshotRow() throws {
        guard case .node(let trusted)? = Registry.trusting([RegistryEntry(node(township, key: 9))], over: [:]).first else {
            return XCTFail("a node row")
        }
        let change = Change(origin: CaseFixtures.county, seq: 1, hlc: HLC(physicalMillis: 1, logical: 0), wall: 1, actor: "admin",
                            entity: EntityName.node(township), kind: NodeKind.registered,
                            payload: NodeRegistration(code: township, role: .township, name: "一乡", publicKey: key(1)).json,
                            parties: [EntityName.everyone], prev: Change.zeroHash)
        guard case .node(let row)? = try XCTUnwrap(try RegistryChange(change)).applied(to: .node(trusted)) else {
            return XCTFail("the registration stands over HLC 0")
        }
        XCTAssertEqual(row.publicKey, key(1))
    }

    func testAKeyTrustedByHandOverwritesTheKeyAndKeepsTheHLCs() {
        let wired = node(township, name: "手工", key: 5)
        XCTAssertEqual(wired.trustedDirectly(over: nil), wired)
        let registered = node(township, name: "日志", key: 3, registeredHLC: 7_000, revokedHLC: 900)
        XCTAssertEqual(wired.trustedDirectly(over: registered), node(township, name: "手工", key: 5, registeredHLC: 7_000, revokedHLC: 900))
    }

    func testAnEntryReadsItsRowAndSignsWithItsNewestKey() throws {
        let entry = rekeyedVillage
        XCTAssertEqual(entry.code, village)
        XCTAssertEqual(entry.publicKey, key(2), "the key that signs new changes")
        XCTAssertEqual(entry.node.publicKey, key(1), "the registered key")
        let read = try RegistryEntry.parse(entry.json, field: "registry[0]")
        XCTAssertEqual(read.node, entry.node)
        XCTAssertEqual(read.history, entry.history)
        XCTAssertThrowsError(try RegistryEntry.parse(["code": .string(village), "role": "village", "name": "一村",
                                                      "publicKey": .string(Hex.encode(key(3))), "keys": entry.json["keys"]!], field: "registry[0]"),
                             "the last key must be publicKey")
    }
}
