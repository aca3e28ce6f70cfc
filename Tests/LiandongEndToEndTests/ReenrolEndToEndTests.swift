import Foundation
import XCTest

/// Real processes (issue 13 item 5): a village whose disk died with no backup comes back under its
/// code. The township re-enrols the code with `node rekey`; the new PC joins with `init --enroll`,
/// gets its old cases back at its first sync, and continues its chain and its case numbers with the
/// new key; its new case reaches the county; `verify` is clean at every tier; the old key (a copy of
/// the dead disk) is refused. The procedure is Deploy/README.md §6.
final class ReenrolEndToEndTests: XCTestCase {
    var cluster: Cluster!

    static let sandun = "330106109"
    static let raocheng = "330106109201"
    static let name = "绕城村代办点"

    override func setUpWithError() throws {
        cluster = try Cluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    func testAVillageThatLostItsDiskIsReenrolledGetsItsCasesBackAndContinuesUnderANewKey() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: Self.name, under: sandun)
        try village.syncOnce()
        let first = try accept(Item.seniorCard, at: village)
        let second = try accept(Item.minimumLiving, at: village)
        try village.syncOnce()
        try cluster.waitUntil("the county never received the village's cases") { try county.caseAt(second) != nil }
        let oldHead = try sandun.count("SELECT last_seq FROM origins WHERE origin = '\(Self.raocheng)'")
        XCTAssertGreaterThan(oldHead, 0)

        // The disk dies with no backup. Someone keeps a copy of it (the old key) for the last step.
        let thief = cluster.file("stolen-disk")
        try FileManager.default.copyItem(atPath: village.directory, toPath: thief)
        try FileManager.default.removeItem(atPath: village.directory)

        // A plain enrolment of the registered code is refused; the township re-enrols it.
        let plain = try sandun.run("node", "add", "--code", Self.raocheng, "--role", "village", "--name", Self.name, "--json")
        XCTAssertFalse(plain.succeeded)
        XCTAssertTrue(plain.stdout.contains("already_enrolled") && plain.stdout.contains("node rekey"), plain.transcript)
        let noReason = try sandun.run("node", "rekey", Self.raocheng)
        XCTAssertEqual(noReason.exitCode, 2, noReason.transcript)
        let rekey = try sandun.object("node", "rekey", Self.raocheng, "--reason", "硬盘损坏，密钥丢失", "--actor", "管理员-周")
        XCTAssertEqual(rekey["rekey"] as? Bool, true)
        XCTAssertEqual(rekey["heldSeq"] as? Int, oldHead)
        let token = try XCTUnwrap(rekey["token"] as? String)

        // The new PC joins with the token through the ordinary join path, and knows it was re-enrolled.
        let joined = try village.object("init", "--role", "village", "--code", Self.raocheng, "--name", Self.name, "--parent", sandun.url, "--enroll", token)
        let reenrolled = try XCTUnwrap(joined["reenrolled"] as? [String: Any], "\(joined)")
        XCTAssertEqual(reenrolled["fromSeq"] as? Int, oldHead + 1)
        XCTAssertEqual(try village.object("heal", "status")["healing"] as? Bool, true, "nothing is recorded before the old chain is back")
        XCTAssertTrue(try village.mustRun("status").stdout.contains("恢复中：等待上级回传本节点的变更"))

        // Its first sync brings its old cases back; the wait ends.
        try village.syncOnce()
        XCTAssertNotNil(try village.caseAt(first))
        XCTAssertNotNil(try village.caseAt(second))
        XCTAssertEqual(try village.object("heal", "status")["healing"] as? Bool, false)
        XCTAssertEqual(try village.count("SELECT last_seq FROM origins WHERE origin = '\(Self.raocheng)'"), oldHead)

        // A new case: the next seq and the next number, under the new key, up to the county.
        let next = try accept(Item.seniorCard, at: village)
        XCTAssertGreaterThan(next, second)
        XCTAssertEqual(try village.count("SELECT max(seq) FROM changes WHERE origin = '\(Self.raocheng)'"), oldHead + 1)
        try village.syncOnce()
        try cluster.waitUntil("the county never received the new case") { try county.caseAt(next) != nil }
        try cluster.waitUntil("the county never received the re-key") {
            try county.count("SELECT count(*) FROM node_rekeys WHERE code = '\(Self.raocheng)' AND hlc > 0") == 1
        }

        // Every tier shows the history: the old key retired at the cut-over, why, by whom.
        for node in [county, sandun, village] {
            let nodes = try node.run("node", "list", "--json")
            let rows = try JSONSerialization.jsonObject(with: Data(nodes.stdout.utf8)) as? [[String: Any]] ?? []
            let keys = rows.first { $0["code"] as? String == Self.raocheng }?["keys"] as? [[String: Any]] ?? []
            XCTAssertEqual(keys.map { $0["fromSeq"] as? Int }, [1, oldHead + 1], "at \(node.code): \(nodes.stdout)")
            XCTAssertEqual(keys.first?["retiredAtSeq"] as? Int, oldHead + 1)
            XCTAssertEqual(keys.last?["reason"] as? String, "硬盘损坏，密钥丢失")
            XCTAssertTrue((keys.last?["by"] as? String ?? "").contains("管理员-周"), "\(keys)")
            let text = try node.mustRun("node", "list").stdout
            XCTAssertTrue(text.contains("旧密钥签至 #\(oldHead)") && text.contains("硬盘损坏，密钥丢失"), text)
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, "nothing quarantined at \(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
        XCTAssertTrue(try village.mustRun("status").stdout.contains("密钥重新登记"))

        // The old key is refused: the stolen copy's requests no longer authenticate, and what it signs goes nowhere.
        let forged = try Liandong.run(TestNode.acceptArguments(item: Item.seniorCard.code, materials: Item.seniorCard.requiredMaterials)
            + ["--data", thief, "--json"], now: nil)
        XCTAssertTrue(forged.succeeded, forged.transcript)
        let sync = try Liandong.run(["sync", "--once", "--data", thief, "--json"], now: nil)
        XCTAssertFalse(sync.succeeded)
        XCTAssertTrue(sync.stdout.contains("bad_signature") || sync.stderr.contains("bad_signature"), sync.transcript)
        XCTAssertEqual(try sandun.count("SELECT max(seq) FROM changes WHERE origin = '\(Self.raocheng)'"), oldHead + 1)
        XCTAssertTrue(try sandun.verifyClean())
    }

    /// A township's disk dies with no backup: the county re-enrols it; the new township gets its own
    /// chain back from the county, its village carries on with it, a case it decided stays decided,
    /// and it decides the next one under the new key.
    func testATownshipReenrolledByTheCountyGetsItsChainBackAndItsVillageCarriesOn() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: Self.name, under: sandun)
        try village.syncOnce()
        let decided = try approvedAtTheTownship(village: village, township: sandun, county: county)
        try village.syncOnce()
        let oldHead = try county.count("SELECT last_seq FROM origins WHERE origin = '\(Self.sandun)'")

        sandun.stopServer()
        try FileManager.default.removeItem(atPath: sandun.directory)
        let rekey = try county.object("node", "rekey", Self.sandun, "--reason", "乡镇服务器硬盘损坏，无备份")
        let token = try XCTUnwrap(rekey["token"] as? String)
        let joined = try sandun.object("init", "--role", "township", "--code", Self.sandun, "--name", "三墩镇便民服务中心",
                                       "--parent", county.url, "--enroll", token)
        XCTAssertEqual((joined["reenrolled"] as? [String: Any])?["fromSeq"] as? Int, oldHead + 1, "\(joined)")
        try sandun.startServer(samePort: true)
        try cluster.waitUntil("the re-enrolled town never healed", within: 90) {
            try village.syncOnce()
            return try sandun.object("heal", "status")["healing"] as? Bool == false
        }
        XCTAssertEqual(try sandun.caseAt(decided)?["state"] as? String, "approved")
        XCTAssertEqual(try sandun.count("SELECT last_seq FROM origins WHERE origin = '\(Self.sandun)'"), oldHead)

        // The next case is decided under the new key and reaches the county and the village.
        let next = try approvedAtTheTownship(village: village, township: sandun, county: county)
        try cluster.waitUntil("the village never received the new approval") {
            try village.syncOnce()
            return try village.caseAt(next)?["state"] as? String == "approved"
        }
        for node in [county, sandun, village] {
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, "nothing quarantined at \(node.code)")
            XCTAssertTrue(try node.chainIsContiguous(origin: Self.sandun), "\(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
    }

    /// A 高龄津贴 case accepted at the village, forwarded, reviewed and approved at the township, until the county holds the approval.
    func approvedAtTheTownship(village: ClusterNode, township: ClusterNode, county: ClusterNode) throws -> String {
        let number = try accept(Item.oldAgeAllowance, at: village)
        try village.mustRun("case", "forward", number)
        try village.syncOnce()
        try cluster.waitUntil("the town never received \(number)") { try township.caseAt(number) != nil }
        try township.mustRun("case", "review", number)
        try township.mustRun("case", "approve", number)
        try cluster.waitUntil("the county never received the approval of \(number)") { try county.caseAt(number)?["state"] as? String == "approved" }
        return number
    }

    func accept(_ item: Item, at node: ClusterNode) throws -> String {
        let result = try node.run(TestNode.acceptArguments(item: item.code, materials: item.requiredMaterials) + ["--json"])
        guard result.succeeded, let number = try result.object()["number"] as? String else {
            throw E2EFailure("accept failed at \(node.code)\n\(result.transcript)")
        }
        return number
    }
}
