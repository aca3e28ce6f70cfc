import Foundation
import XCTest

/// Real processes: a county restored from an older backup waits for its townships to return its own
/// changes before it records anything (issue 14), ends the wait by an operator's recorded decision,
/// lists what was truly lost and records a forced collision as a fork; a village whose clock ran
/// four years ahead is refused, then recovers once its clock is right (issue 10).
final class RecoveryEndToEndTests: XCTestCase {
    var cluster: Cluster!

    static let county = "330106"
    static let sandun = "330106109"
    static let shuangpu = "330106110"
    static let raocheng = "330106109201"

    override func setUpWithError() throws {
        cluster = try Cluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    // MARK: Restored county

    func testRestoredCountyWaitsForItsTownshipGetsItsChangesBackAndListsWhatWasLost() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let backup = cluster.file("county-backup.sqlite")
        try county.mustRun("backup", "--to", backup)
        let backupHead = try county.count("SELECT last_seq FROM origins WHERE origin = '\(county.code)'")

        // Since the backup: an item (reaches the town), a case accepted at the county only (reaches no one), another item.
        try importCatalog(extra: 1, at: county)
        let lostCase = try accept(Item.minimumLiving, at: county)
        try importCatalog(extra: 2, at: county)
        try cluster.waitUntil("the town never received the new items") { try sandun.count("SELECT count(*) FROM items") == Item.exampleCount + 2 }
        let countyHead = try county.count("SELECT last_seq FROM origins WHERE origin = '\(county.code)'")
        XCTAssertEqual(countyHead, backupHead + 3)

        county.stopServer()
        sandun.stopServer()
        try county.mustRun("restore", "--from", backup)
        // Nothing new before the town has returned what it holds: the number of a lost case is not given out again.
        let refused = try county.run(TestNode.acceptArguments(item: Item.minimumLiving.code, materials: Item.minimumLiving.requiredMaterials))
        XCTAssertFalse(refused.succeeded)
        XCTAssertTrue(refused.stderr.contains("恢复中：等待下级回传本节点的变更"), refused.transcript)
        XCTAssertTrue(try county.run("status").stdout.contains("恢复中：等待下级回传本节点的变更"))

        try county.startServer(samePort: true)
        try sandun.startServer(samePort: true)
        try cluster.waitUntil("the restored county never healed") {
            let heal = try county.object("heal", "status")
            return heal["healing"] as? Bool == false
        }
        // Its items came back from the town; the case that existed only at the county is listed as lost, by seq.
        XCTAssertEqual(try county.count("SELECT count(*) FROM items"), Item.exampleCount + 2)
        let heal = try county.object("heal", "status")
        XCTAssertEqual(heal["lost"] as? [Int], [backupHead + 2], "\(heal)")
        XCTAssertTrue(try county.run("status").stdout.contains("上次恢复确已丢失的本节点变更：#\(backupHead + 2)"))
        XCTAssertEqual(try county.count("SELECT count(*) FROM changes WHERE origin = '\(county.code)' AND kind = 'node.healed'"), 1)
        XCTAssertNil(try county.caseAt(lostCase))
        XCTAssertTrue(try county.verifyClean(), "verify is clean once healed")

        // Writes go on after the highest seq any replica holds: nothing collides, every node verifies clean.
        let next = try accept(Item.minimumLiving, at: county)
        XCTAssertGreaterThan(try county.count("SELECT max(seq) FROM changes WHERE origin = '\(county.code)'"), countyHead)
        try cluster.waitUntil("the town never received the heal record") {
            try sandun.count("SELECT count(*) FROM changes WHERE origin = '\(county.code)' AND kind = 'node.healed'") == 1
        }
        try village.syncOnce()
        for node in [county, sandun, village] {
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, "nothing quarantined at \(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
        XCTAssertNotNil(try county.caseAt(next))
    }

    func testOperatorEndsTheWaitForATownshipThatIsGoneAndItsReturnIsRecordedAsAFork() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let shuangpu = try cluster.enroll(code: Self.shuangpu, role: "township", name: "双浦镇便民服务中心", under: county, serve: true)
        let backup = cluster.file("county-backup.sqlite")
        try county.mustRun("backup", "--to", backup)
        let backupHead = try county.count("SELECT last_seq FROM origins WHERE origin = '\(county.code)'")

        // One item reaches both towns; then 三墩 stops, and a second item reaches 双浦 only; then 双浦 is gone.
        try importCatalog(extra: 1, at: county)
        try cluster.waitUntil("the towns never received the first item") {
            try [sandun, shuangpu].allSatisfy { try $0.count("SELECT count(*) FROM items") == Item.exampleCount + 1 }
        }
        sandun.stopServer()
        try importCatalog(extra: 2, at: county)
        try cluster.waitUntil("双浦 never received the second item") { try shuangpu.count("SELECT count(*) FROM items") == Item.exampleCount + 2 }
        shuangpu.stopServer()

        county.stopServer()
        try county.mustRun("restore", "--from", backup)
        try county.startServer(samePort: true)
        try sandun.startServer(samePort: true)
        try cluster.waitUntil("三墩 never returned the first item") { try county.count("SELECT count(*) FROM items") == Item.exampleCount + 1 }
        let waiting = try county.object("heal", "status")
        XCTAssertEqual(waiting["healing"] as? Bool, true)
        XCTAssertTrue((waiting["message"] as? String ?? "").contains(Self.shuangpu), "\(waiting)")
        let refused = try county.run(TestNode.acceptArguments(item: Item.minimumLiving.code, materials: Item.minimumLiving.requiredMaterials))
        XCTAssertTrue(refused.stderr.contains("恢复中"), refused.transcript)

        // The operator ends the wait: a recorded decision naming the township waived.
        let ended = try county.object("heal", "end", "--reason", "双浦镇服务器硬盘损毁，不会再回来")
        XCTAssertEqual(ended["healing"] as? Bool, false)
        let payload = try county.sql("SELECT payload FROM changes WHERE origin = '\(county.code)' AND kind = 'node.healed'")
        XCTAssertTrue(payload.contains(Self.shuangpu) && payload.contains("\"mode\":\"ended\""), payload)
        XCTAssertTrue(try county.verifyClean())
        XCTAssertEqual(try county.count("SELECT last_seq FROM origins WHERE origin = '\(county.code)'"), backupHead + 2,
                       "the heal record took the seq 双浦 holds another change at")

        // 双浦 comes back after all: the collision at that seq is detected and recorded as a fork, at both ends.
        try shuangpu.startServer(samePort: true)
        try cluster.waitUntil("the county never recorded the fork") {
            try county.count("SELECT count(*) FROM quarantine WHERE reason = 'fork' AND origin = '\(county.code)'") >= 1
        }
        try cluster.waitUntil("双浦 never recorded the fork", within: 120) {
            try shuangpu.count("SELECT count(*) FROM quarantine WHERE reason = 'fork' AND origin = '\(county.code)'") >= 1
        }
    }

    func testRestoredTownshipWaitsForItsVillageAndHealsFromItAndTheCounty() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let backup = cluster.file("town-backup.sqlite")
        try sandun.mustRun("backup", "--to", backup)

        // Since the backup: a township-decided case, reviewed, approved and issued at the town.
        let number = try accept(Item.oldAgeAllowance, at: village)
        try village.mustRun("case", "forward", number)
        try village.syncOnce()
        try cluster.waitUntil("the town never received \(number)") { try sandun.caseAt(number) != nil }
        try sandun.mustRun("case", "review", number)
        try sandun.mustRun("case", "approve", number)
        try sandun.mustRun("case", "issue", number)
        try cluster.waitUntil("the village never received the result") {
            try village.syncOnce()
            return try village.caseAt(number)?["state"] as? String == "result_ready"
        }
        try cluster.waitUntil("the county never received the result") { try county.caseAt(number)?["state"] as? String == "result_ready" }
        let townHead = try sandun.head(of: sandun.code)

        sandun.stopServer()
        try sandun.mustRun("restore", "--from", backup)
        let refused = try sandun.run(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials))
        XCTAssertTrue(refused.stderr.contains("恢复中：等待下级回传本节点的变更"), refused.transcript)
        XCTAssertTrue(refused.stderr.contains(Self.raocheng), "the village it waits for is named: \(refused.transcript)")
        try sandun.startServer(samePort: true)
        try cluster.waitUntil("the restored town never healed") {
            try village.syncOnce()
            return try sandun.object("heal", "status")["healing"] as? Bool == false
        }
        try cluster.waitUntil("the town never got its chain back") { try sandun.head(of: sandun.code) == townHead }
        XCTAssertEqual(try sandun.caseAt(number)?["state"] as? String, "result_ready")
        _ = try accept(Item.oldAgeAllowance, at: sandun)
        try village.syncOnce()
        for node in [county, sandun, village] {
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, "nothing quarantined at \(node.code)")
            XCTAssertTrue(try node.chainIsContiguous(origin: sandun.code), "\(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
    }

    // MARK: Clock

    func testVillageWithAClockFourYearsAheadIsRefusedThenRecoversAndItsCasesReachTheCounty() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let ahead = String(Int64(Date().timeIntervalSince1970 * 1000) + 4 * 365 * 86_400_000)
        let arguments = TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials)

        // It knows its parent's time from the last exchange: four years ahead, nothing is recorded.
        let refused = try Liandong.run(arguments + ["--data", village.directory], now: ahead)
        XCTAssertFalse(refused.succeeded)
        XCTAssertTrue(refused.stderr.contains("本机时钟") && refused.stderr.contains("快"), refused.transcript)

        // After a reboot it no longer knows; one acceptance goes through with the wrong clock and pushes its HLC ahead.
        _ = try village.sql("UPDATE parent_clock SET boot = 'another-boot'")
        let stamped = try Liandong.run(arguments + ["--data", village.directory, "--json"], now: ahead)
        XCTAssertTrue(stamped.succeeded, stamped.transcript)
        guard let early = try stamped.object()["number"] as? String else { throw E2EFailure("no number: \(stamped.transcript)") }
        // Its sync is refused for the clock, and from the refusal it knows the parent's time again.
        let skewed = try Liandong.run(["sync", "--once", "--data", village.directory], now: ahead)
        XCTAssertFalse(skewed.succeeded)
        XCTAssertFalse(try Liandong.run(arguments + ["--data", village.directory], now: ahead).succeeded)

        // The clock is put right: the change that never left is stamped and signed again, and goes up.
        let synced = try village.syncOnce()
        XCTAssertEqual((synced["restamped"] as? [[String: Any]])?.count, 1, "\(synced)")
        let later = try accept(Item.oldAgeAllowance, at: village)
        try village.syncOnce()
        try cluster.waitUntil("the county never received the village's cases") {
            try county.caseAt(early) != nil && county.caseAt(later) != nil
        }
        for node in [village, sandun, county] {
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, "nothing held for the clock at \(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
        XCTAssertTrue(try village.run("status").stdout.contains("时钟校准后重新签名"))
        // The county sees the clocks of its whole subtree (the township reports the village's).
        try cluster.waitUntil("the county never learned the village's clock") {
            try county.count("SELECT count(*) FROM node_clocks WHERE code IN ('\(Self.sandun)', '\(Self.raocheng)')") == 2
        }
        let listed = try county.run("node", "list", "--json")
        let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        XCTAssertNotNil(rows.first { $0["code"] as? String == Self.raocheng }?["clockOffsetSeconds"] as? Int, listed.stdout)
        let metrics = HTTPProbe.get(port: county.port, path: "/metrics")?.body ?? ""
        XCTAssertTrue(metrics.contains("liandong_node_clock_offset_seconds{node=\"\(Self.county)\",peer=\"\(Self.raocheng)\"}"), metrics)
    }

    // MARK: Helpers

    func importCatalog(extra: Int, at county: ClusterNode) throws {
        let path = cluster.file("catalog-plus-\(extra).json")
        try Bulk.largeCatalog(extra: extra, to: path)
        try county.mustRun("catalog", "import", path)
    }

    func accept(_ item: Item, at node: ClusterNode) throws -> String {
        let arguments = TestNode.acceptArguments(item: item.code, materials: item.requiredMaterials)
        let result = try node.run(arguments + ["--json"])
        guard result.succeeded, let number = try result.object()["number"] as? String else {
            throw E2EFailure("accept failed at \(node.code)\n\(result.transcript)")
        }
        return number
    }
}
