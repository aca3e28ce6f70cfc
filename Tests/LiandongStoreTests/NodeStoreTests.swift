import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

final class NodeStoreTests: NodeStoreTestCase {
    func testInitializeWritesTheKeyFileReadableByItsOwnerOnly() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        let attributes = try FileManager.default.attributesOfItem(atPath: nodeDirectory() + "/node.key")
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600, "node.key mode is \(String(mode ?? -1, radix: 8))")
        let directoryMode = (try FileManager.default.attributesOfItem(atPath: nodeDirectory())[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(directoryMode, 0o700, "a data directory created by init is private")
        XCTAssertEqual(store.identity.code, NodeStoreTestCase.countyCode)
        XCTAssertEqual(store.identity.role, .county)
        XCTAssertEqual(store.identity.publicKey.count, 32)
    }

    func testInitializeRefusesADirectoryAlreadyInitializedAndKeepsItsKey() throws {
        _ = try makeCounty(catalog: false, calendar: false)
        let keyPath = nodeDirectory() + "/node.key"
        let keyBefore = FileManager.default.contents(atPath: keyPath)
        assertStoreError("already_initialized") {
            try NodeStore.initialize(directory: nodeDirectory(), role: .county, code: "330106", name: "again", now: clock.closure)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: keyPath), keyBefore, "the existing key is untouched")
        XCTAssertEqual(try reopen().identity.name, "西湖区政务服务中心")
    }

    func testInitializeRefusesACodeThatDoesNotMatchTheRoleAndCreatesNothing() throws {
        for (role, code) in [(Role.county, "330106001"), (.township, "330106"), (.village, "330106001"), (.township, "33010600X")] {
            let directory = nodeDirectory("bad-\(role.rawValue)-\(code)")
            assertStoreError("invalid_code") {
                try NodeStore.initialize(directory: directory, role: role, code: code, name: "某节点", now: clock.closure)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory), "\(role) \(code): nothing created")
        }
    }

    func testInitializeRefusesAnEmptyName() throws {
        assertStoreError("invalid_name") {
            try NodeStore.initialize(directory: nodeDirectory(), role: .village, code: "330106001201", name: "  ", now: clock.closure)
        }
    }

    func testOpenDetectsAKeyFileFromAnotherNode() throws {
        _ = try makeCounty(catalog: false, calendar: false)
        let other = try Ed25519SigningKey()
        let keyPath = nodeDirectory() + "/node.key"
        try FileManager.default.removeItem(atPath: keyPath)
        XCTAssertTrue(FileManager.default.createFile(atPath: keyPath, contents: Data((Hex.encode(try other.seed()) + "\n").utf8)))
        let error = assertStoreError("key_mismatch") { try reopen() }
        XCTAssertTrue(error?.message.contains("node.key") ?? false, error?.message ?? "")
    }

    func testOpenRefusesAnUnreadableKeyFile() throws {
        _ = try makeCounty(catalog: false, calendar: false)
        let keyPath = nodeDirectory() + "/node.key"
        try FileManager.default.removeItem(atPath: keyPath)
        XCTAssertTrue(FileManager.default.createFile(atPath: keyPath, contents: Data("not hex\n".utf8)))
        assertStoreError("key_unreadable") { try reopen() }
    }

    func testOpenOfAnUninitializedDirectoryIsNotInitialized() throws {
        assertStoreError("not_initialized") { try reopen("nowhere") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: nodeDirectory("nowhere") + "/" + NodeStore.databaseName))
    }

    func testOpenReadsBackTheIdentityWrittenAtInitialize() throws {
        let created = try NodeStore.initialize(
            directory: nodeDirectory("village"), role: .village, code: "330106001201", name: "某村代办点",
            parentURL: "http://10.0.0.1:8080", listen: "0.0.0.0:8081", now: clock.closure)
        let opened = try reopen("village")
        XCTAssertEqual(opened.identity, created.identity)
        XCTAssertEqual(opened.identity.parentURL, "http://10.0.0.1:8080")
        XCTAssertEqual(opened.identity.listen, "0.0.0.0:8081")
    }

    func testMigrationsAreRecordedOnceInOrder() throws {
        _ = try makeCounty(catalog: false, calendar: false)
        let expected = Schema.migrator.migrations.map(\.name)
        XCTAssertEqual(Array(expected.prefix(10)), ["001_node_and_log", "002_materialized_state", "003_quarantine", "004_sync", "005_enrollment", "006_conflicts", "007_rebase", "008_routes_only", "009_duplicates", "010_log_generation"])
        XCTAssertEqual(expected, expected.sorted(), "migrations are applied in the order of their numbers")
        XCTAssertTrue(expected.contains("015_documents"))
        XCTAssertTrue(expected.contains("011_staff") && expected.contains("020_restore_heal"))
        XCTAssertEqual(try rawDatabase().query("SELECT name FROM migrations ORDER BY rowid").compactMap { $0.text("name") }, expected)
        _ = try reopen()
        _ = try reopen()
        XCTAssertEqual(try rawDatabase().query("SELECT name FROM migrations ORDER BY rowid").compactMap { $0.text("name") }, expected,
                       "opening again applies nothing twice")
    }

    func testTodayFollowsTheInjectedClockInChinaStandardTime() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        clock.set("2026-03-02", hour: 23, minute: 59)
        XCTAssertEqual(store.today.iso, "2026-03-02")
        clock.set("2026-03-03", hour: 0, minute: 0)
        XCTAssertEqual(store.today.iso, "2026-03-03")
    }
}

/// Two connections to one node's database, as `serve` and its sync lanes have: bookkeeping commits
/// by one keep the other's case histories; a change to the log by one is seen by the other.
final class NodeStoreLogGenerationTests: NodeStoreTestCase {
    func testAnotherConnectionsBookkeepingKeepsTheCacheAndItsChangesRefreshIt() throws {
        let store = try makeCounty()
        let accepted = try store.accept()
        _ = try store.caseState(accepted.number)
        XCTAssertNotNil(store.caseCache[accepted.number])
        let other = try NodeStore.open(directory: store.directory, now: clock.closure)
        try other.setParentCursor(7)
        _ = try store.caseState(accepted.number)
        XCTAssertNotNil(store.caseCache[accepted.number], "a cursor moved elsewhere says nothing about the cases")
        try other.act(on: accepted.number, .review, payload: ["opinion": "另一连接审查"], actor: "审批员-王")
        XCTAssertEqual(try store.caseState(accepted.number)?.status, try other.caseState(accepted.number)?.status)
        XCTAssertEqual(try store.caseState(accepted.number)?.timeline.count, 2, "the other connection's change is seen")
    }
}
