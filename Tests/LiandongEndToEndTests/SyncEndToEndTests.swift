import Foundation
import XCTest

/// Real `liandong serve` processes on loopback exchanging their logs (DESIGN §7): the tiers
/// converge, a process killed in the middle of a push or a pull loses and duplicates nothing,
/// restored nodes are repaired, and a revoked node is refused. Villages are driven with
/// `sync --once` so that each exchange happens when the test says; towns and the county serve.
final class SyncEndToEndTests: XCTestCase {
    var cluster: Cluster!

    static let county = "330106"
    static let sandun = "330106109"
    static let shuangpu = "330106110"
    static let raocheng = "330106109201"
    static let lanli = "330106109202"
    static let tongjianhu = "330106110201"

    override func setUpWithError() throws {
        cluster = try Cluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    // MARK: Three tiers

    func testThreeTiersConvergeOnEveryCase() throws {
        try cluster.threeTiers()
        let county = cluster[Self.county], sandun = cluster[Self.sandun], shuangpu = cluster[Self.shuangpu]
        let raocheng = cluster[Self.raocheng], tongjianhu = cluster[Self.tongjianhu]
        for village in [raocheng, tongjianhu, cluster[Self.lanli]] {
            try cluster.waitUntil("\(village.code) never received the catalog") {
                try village.syncOnce()
                return try village.count("SELECT count(*) FROM items") == Item.exampleCount
            }
        }

        // A county-decided case: village → township → county, and the result back down.
        let countyCase = try acceptAndForward(Item.minimumLiving, at: raocheng)
        try cluster.waitUntil("\(sandun.code) never received \(countyCase)") { try sandun.caseAt(countyCase)?["state"] as? String == "forwarded" }
        try sandun.mustRun("case", "review", countyCase, "--opinion", "初审通过")
        try sandun.mustRun("case", "forward", countyCase)
        try cluster.waitUntil("the county never received \(countyCase)") { try county.caseAt(countyCase)?["holder"] as? String == Self.county }
        try county.mustRun("case", "approve", countyCase, "--opinion", "符合条件")
        try county.mustRun("case", "issue", countyCase, "--document-name", "最低生活保障证")
        try deliverWhenReady(countyCase, at: raocheng)

        // A township-decided case in the other town.
        let townCase = try acceptAndForward(Item.oldAgeAllowance, at: tongjianhu)
        try cluster.waitUntil("\(shuangpu.code) never received \(townCase)") { try shuangpu.caseAt(townCase) != nil }
        try shuangpu.mustRun("case", "review", townCase)
        try shuangpu.mustRun("case", "approve", townCase)
        try shuangpu.mustRun("case", "issue", townCase)
        try deliverWhenReady(townCase, at: tongjianhu)

        try assertConverged(countyCase, acceptedAt: raocheng)
        try assertConverged(townCase, acceptedAt: tongjianhu)
        for village in [raocheng, tongjianhu] {
            let path = [village, village.parent!, county]
            try cluster.waitUntil("the chain of \(village.code) differs along its path") {
                try Set(path.map { try $0.head(of: village.code) }).count == 1
            }
            for node in path { XCTAssertTrue(try node.chainIsContiguous(origin: village.code), "\(village.code) at \(node.code)") }
        }
        for node in cluster.nodes.values { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
    }

    // MARK: Killed in the middle

    func testVillageKilledInTheMiddleOfAPushLosesAndDuplicatesNothing() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let numbers = try Bulk.accept(1500, at: village.directory)
        let total = try village.changeCount(origin: village.code)

        let push = try village.background(["sync", "--once"])
        var landed = -1
        _ = eventually(within: 120) {
            guard push.isRunning else { return true }
            let held = (try? sandun.changeCount(origin: village.code)) ?? 0
            guard held > 1 else { return false }
            push.killNow()
            landed = held
            return true
        }
        _ = push.wait(seconds: 600)
        print("push killed with \(landed) of \(total) changes of \(village.code) at \(sandun.code) (−1: the push finished first)")

        try cluster.waitUntil("the push never completed after the restart") {
            _ = try village.run("sync", "--once", "--json")
            return try sandun.changeCount(origin: village.code) == total
        }
        XCTAssertEqual(try sandun.changeCount(origin: village.code), total, "nothing lost, nothing duplicated")
        XCTAssertTrue(try sandun.chainIsContiguous(origin: village.code))
        XCTAssertEqual(try sandun.head(of: village.code), try village.head(of: village.code))
        XCTAssertEqual(try sandun.count("SELECT count(*) FROM cases WHERE acceptor = '\(village.code)'"), numbers.count)
        try cluster.waitUntil("the county never received all \(total) changes of \(village.code)") {
            try county.changeCount(origin: village.code) == total
        }
        XCTAssertEqual(try county.head(of: village.code), try village.head(of: village.code))
        XCTAssertEqual(try sandun.count("SELECT count(*) FROM quarantine"), 0)
        for node in [village, sandun, county] { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
    }

    func testVillageServerKilledInTheMiddleOfAPushAndRestartedLosesAndDuplicatesNothing() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        try Bulk.accept(1500, at: village.directory)
        let total = try village.changeCount(origin: village.code)

        // The village's own server pushes the queue from its push lane; a power cut in the middle.
        try village.startServer()
        var landed = -1
        _ = eventually(within: 120) {
            let held = (try? sandun.changeCount(origin: village.code)) ?? 0
            guard held > 1 else { return false }
            village.killServer()
            landed = held
            return true
        }
        village.killServer()
        print("serve killed with \(landed) of \(total) changes of \(village.code) at \(sandun.code)")

        try village.startServer(samePort: true)
        try cluster.waitUntil("the restarted village server never finished its push") {
            try sandun.changeCount(origin: village.code) == total
        }
        village.stopServer()
        XCTAssertTrue(try sandun.chainIsContiguous(origin: village.code))
        XCTAssertEqual(try sandun.head(of: village.code), try village.head(of: village.code))
        XCTAssertEqual(try sandun.count("SELECT count(*) FROM quarantine"), 0)
        try cluster.waitUntil("the county never received all \(total) changes of \(village.code)") {
            try county.changeCount(origin: village.code) == total
        }
        for node in [village, sandun, county] { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
    }

    /// A township whose copy of a village's change is altered (its database edited behind liandong's
    /// back) relays it to the county, which refuses it by its hash and keeps it out.
    func testAVillageChangeAlteredAtTheTownshipIsCaughtAtTheCounty() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        county.stopServer()
        let number = try accept(Item.oldAgeAllowance, at: village)
        try village.syncOnce()
        XCTAssertNotNil(try sandun.caseAt(number))
        sandun.stopServer()
        try sandun.sql("UPDATE changes SET payload = replace(payload, '\(Applicants.name)', '李四') WHERE entity = '\(number)'")
        XCTAssertEqual(try sandun.count("SELECT count(*) FROM changes WHERE entity = '\(number)' AND payload LIKE '%李四%'"), 1)

        try county.startServer(samePort: true)
        try sandun.startServer(samePort: true)
        try cluster.waitUntil("the county never quarantined the altered change") {
            try county.count("SELECT count(*) FROM quarantine WHERE origin = '\(village.code)'") == 1
        }
        XCTAssertEqual(try county.sql("SELECT reason FROM quarantine WHERE origin = '\(village.code)'"), "bad_hash")
        XCTAssertNil(try county.caseAt(number), "the altered acceptance never lands")
        XCTAssertEqual(try county.changeCount(origin: village.code), 0)
        XCTAssertFalse(try sandun.verifyClean(), "the township's own verify sees the edit too")
    }

    func testVillageKilledInTheMiddleOfAPullLosesAndDuplicatesNothing() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let catalog = cluster.file("large-catalog.json")
        // More items than one pull page (5000 changes): the kill falls between pages or inside one.
        try Bulk.largeCatalog(extra: 6000, to: catalog)
        try county.mustRun("catalog", "import", catalog)
        let items = Item.exampleCount + 6000
        try cluster.waitUntil("\(sandun.code) never received the large catalog") { try sandun.count("SELECT count(*) FROM items") == items }

        let pull = try village.background(["sync", "--once"])
        var landed = -1
        _ = eventually(within: 120) {
            guard pull.isRunning else { return true }
            let held = (try? village.count("SELECT count(*) FROM items")) ?? 0
            guard held > Item.exampleCount else { return false }
            pull.killNow()
            landed = held
            return true
        }
        _ = pull.wait(seconds: 600)
        print("pull killed with \(landed) of \(items) items at \(village.code) (−1: the pull finished first)")

        try cluster.waitUntil("the pull never completed after the restart") {
            _ = try village.run("sync", "--once", "--json")
            return try village.count("SELECT count(*) FROM items") == items
        }
        let published = "SELECT count(*) FROM changes WHERE kind = 'catalog.item_published'"
        XCTAssertEqual(try village.count(published), try county.count(published), "nothing lost, nothing duplicated")
        XCTAssertEqual(try village.changeCount(origin: county.code), try sandun.changeCount(origin: county.code))
        XCTAssertEqual(try village.head(of: county.code), try sandun.head(of: county.code))
        XCTAssertEqual(try village.count("SELECT count(*) FROM quarantine"), 0)
        XCTAssertTrue(try village.verifyClean())
    }

    // MARK: Restored from a backup

    func testCountyRestoredFromAnEarlierBackupHoldsEverythingAgain() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let backup = cluster.file("county-backup.sqlite")
        try county.mustRun("backup", "--to", backup)

        // Since the backup: village cases reach the county, and the county publishes an item that reaches the town.
        try Bulk.accept(40, at: village.directory)
        try village.syncOnce()
        let villageChanges = try village.changeCount(origin: village.code)
        try cluster.waitUntil("the county never received the village's cases") { try county.changeCount(origin: village.code) == villageChanges }
        let catalog = cluster.file("catalog-plus-one.json")
        try Bulk.largeCatalog(extra: 1, to: catalog)
        try county.mustRun("catalog", "import", catalog)
        try cluster.waitUntil("the town never received the new item") { try sandun.count("SELECT count(*) FROM items") == Item.exampleCount + 1 }
        let countyHead = try county.head(of: county.code)
        let townHead = try sandun.head(of: sandun.code)

        county.stopServer()
        try county.mustRun("restore", "--from", backup)
        XCTAssertEqual(try county.changeCount(origin: village.code), 0, "the backup predates the village's cases")
        try county.startServer(samePort: true)

        try cluster.waitUntil("the restored county never got everything back") {
            let changes = try county.changeCount(origin: village.code)
            let heads = (try county.head(of: county.code), try county.head(of: sandun.code))
            return changes == villageChanges && heads.0 == countyHead && heads.1 == townHead
        }
        XCTAssertEqual(try county.count("SELECT count(*) FROM items"), Item.exampleCount + 1, "its own lost item came back from the town")
        XCTAssertEqual(try county.count("SELECT count(*) FROM cases WHERE acceptor = '\(village.code)'"), 40)
        XCTAssertEqual(try county.head(of: village.code), try village.head(of: village.code))
        XCTAssertEqual(try county.count("SELECT count(*) FROM quarantine"), 0)
        for node in [village, sandun, county] { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
    }

    func testVillageRestoredFromAnEarlierBackupGetsItsChangesBackAndRebasesWithoutAFork() throws {
        let (county, sandun, village, first, second) = try villageWithACaseMadeAfterItsBackup()
        XCTAssertNil(try village.caseAt(second), "the backup predates the second case")
        // The restored village records nothing before its parent has returned its chain ...
        let refused = try village.run(TestNode.acceptArguments(item: Item.minimumLiving.code, materials: Item.minimumLiving.requiredMaterials) + ["--json"])
        XCTAssertFalse(refused.succeeded, refused.transcript)
        XCTAssertEqual(try refused.object()["error"] as? String, "healing", refused.transcript)
        XCTAssertTrue(refused.stderr.contains("恢复中：等待上级回传本节点的变更") || refused.stdout.contains("恢复中：等待上级回传本节点的变更"), refused.transcript)
        // ... unless the operator ends the wait to work with the link down (recorded); then a number can
        // come out again, and the rebase gives the new case another.
        try village.mustRun("heal", "end", "--reason", "上级链路中断，须先办件")
        let third = try accept(Item.minimumLiving, at: village)
        try cluster.waitUntil("the village never got its lost change back and its new one up") {
            _ = try village.run("sync", "--once", "--json")
            let numbers = try village.caseNumbers()
            let atCounty = try county.caseNumbers()
            return numbers.contains(second) && atCounty.count == 3 && numbers.count == 3
        }
        // The restored village issued the lost case's number again; the rebase gave the new case another one.
        let renumbered = try village.sql("SELECT new_number FROM rebase_log WHERE old_number = '\(third)'")
        let final = renumbered.isEmpty ? third : renumbered
        XCTAssertNotEqual(final, second, "the new case does not keep the number of the lost one")
        let expected = Set([first, second, final])
        XCTAssertEqual(expected.count, 3)
        XCTAssertEqual(Set(try village.caseNumbers()), expected)
        XCTAssertEqual(Set(try sandun.caseNumbers()), expected)
        XCTAssertEqual(Set(try county.caseNumbers()), expected)
        for node in [village, sandun, county] {
            XCTAssertEqual(try node.head(of: village.code), try village.head(of: village.code), "no fork at \(node.code)")
            XCTAssertTrue(try node.chainIsContiguous(origin: village.code), "\(node.code)")
            XCTAssertEqual(try node.count("SELECT count(*) FROM quarantine"), 0, "nothing quarantined at \(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
        for number in expected { try assertSameState(number, at: [village, sandun, county]) }

        // The renumbered case is announced at the village, and its old number with its query code
        // (what the applicant's receipt shows) answers on the county's public query, pointing to the new number.
        XCTAssertNotEqual(final, third, "this schedule renumbers the new case")
        let status = try village.object("status")
        XCTAssertEqual(((status["renumbered"] as? [[String: Any]])?.first)?["new"] as? String, final, "\(status)")
        XCTAssertTrue(try village.mustRun("status").stdout.contains("【办件改号】"))
        let code = try XCTUnwrap(try county.caseAt(final)?["queryCode"] as? String)
        let answer = try XCTUnwrap(HTTPProbe.get(port: county.port, path: "/public/v1/cases/\(third)?code=\(code)"))
        XCTAssertEqual(answer.status, 200, answer.body)
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        XCTAssertEqual(body["number"] as? String, final, answer.body)
        XCTAssertEqual(body["renumberedFrom"] as? String, third, answer.body)
        XCTAssertEqual(HTTPProbe.get(port: county.port, path: "/public/v1/cases/\(third)?code=ZZZZZZZZ")?.status, 404)
    }

    /// The usual restore: the village waits for its parent, takes its lost case back with the first
    /// exchange, and only then accepts again, under a number never given out before (no rebase).
    func testRestoredVillageWaitsForItsParentAndNeverGivesANumberOutTwice() throws {
        let (county, sandun, village, first, second) = try villageWithACaseMadeAfterItsBackup()
        let heal = try village.object("heal", "status")
        XCTAssertEqual(heal["healing"] as? Bool, true, "\(heal)")
        XCTAssertEqual((heal["parent"] as? [String: Any])?["state"] as? String, "not_reported", "\(heal)")
        XCTAssertTrue(try village.mustRun("status").stdout.contains("恢复中：等待上级回传本节点的变更"))
        try village.syncOnce()
        XCTAssertEqual(try village.object("heal", "status")["healing"] as? Bool, false)
        let third = try accept(Item.minimumLiving, at: village)
        XCTAssertFalse([first, second].contains(third), "a number printed on a receipt is never given out again")
        try village.syncOnce()
        XCTAssertEqual(try village.sql("SELECT count(*) FROM rebase_log"), "0", "nothing to renumber")
        try cluster.waitUntil("the county never received \(third)") { Set(try county.caseNumbers()) == [first, second, third] }
        for node in [village, sandun, county] { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
    }

    // MARK: 好差评

    /// The county's default rating (15 days, 基本满意) with the county, the township and the village all
    /// serving on a clock that moves on 16 days: the village that delivered rates the case once, the
    /// rating travels up, and neither another restart nor the other tiers rate it again.
    func testADefaultRatingIsAppliedOnceByTheDeliveringVillageWithEveryTierServing() throws {
        cluster.now = "2026-03-02T09:00:00+08:00"
        let county = try cluster.county()
        try county.mustRun("settings", "evaluation", "--default-days", "15", "--default-level", "3")
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun, serve: true)
        try cluster.waitUntil("the village never received the catalog and the settings") {
            try village.count("SELECT count(*) FROM items") == Item.exampleCount && (try village.object("settings", "show")["defaultAfterDays"] as? Int) == 15
        }
        let number = try accept(Item.oldAgeAllowance, at: village)
        try village.mustRun("case", "forward", number)
        try cluster.waitUntil("\(sandun.code) never received \(number)") { try sandun.caseAt(number)?["state"] as? String == "forwarded" }
        try sandun.mustRun("case", "review", number)
        try sandun.mustRun("case", "approve", number)
        try sandun.mustRun("case", "issue", number)
        try cluster.waitUntil("the village never received the result of \(number)") { try village.caseAt(number)?["state"] as? String == "result_ready" }
        try village.mustRun("case", "deliver", number, "--method", "collected")
        try cluster.waitUntil("the county never saw \(number) delivered") { try county.caseAt(number)?["state"] as? String == "delivered" }

        func evaluations(at node: ClusterNode) throws -> [String] {
            try node.sql("SELECT origin FROM changes WHERE entity = '\(number)' AND kind = 'case.evaluated'")
                .split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try evaluations(at: village), [], "not due before 15 days")
        for (node, day) in [(county, "2026-03-18"), (sandun, "2026-03-18"), (village, "2026-03-18")] {
            node.stopServer()
            node.now = day + "T09:00:00+08:00"
            try node.startServer(samePort: true)
        }
        try cluster.waitUntil("the default rating never reached the county") { try evaluations(at: county) == [village.code] }
        let rated = try XCTUnwrap(try county.caseAt(number)?["evaluation"] as? [String: Any])
        XCTAssertEqual(rated["level"] as? Int, 3, "\(rated)")
        // Another day and another restart everywhere: nothing is rated twice.
        for node in [county, sandun, village] {
            node.stopServer()
            node.now = "2026-03-19T09:00:00+08:00"
            try node.startServer(samePort: true)
        }
        try cluster.waitUntil("the township never held the rating") { try evaluations(at: sandun) == [village.code] }
        Thread.sleep(forTimeInterval: 2)
        for node in [county, sandun, village] {
            XCTAssertEqual(try evaluations(at: node), [village.code], "one rating, made by the village, at \(node.code)")
            XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)")
        }
    }

    // MARK: The county's view of its subtree

    func testTheCountySeesAVillageTwoHopsDownThatStopsSyncing() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let number = try accept(Item.oldAgeAllowance, at: village)
        try village.syncOnce()
        try cluster.waitUntil("the county never received \(number)") { try county.caseAt(number) != nil }

        // The village stops syncing: what it does next never arrives, and the county still names it with when it last heard of it.
        _ = try accept(Item.oldAgeAllowance, at: village)
        let status = try county.object("status")
        let subtree = try XCTUnwrap(status["subtree"] as? [[String: Any]], "\(status)")
        let row = try XCTUnwrap(subtree.first { $0["code"] as? String == village.code }, "the village two hops down is listed: \(subtree)")
        XCTAssertNotNil(row["lastHeard"] as? Int, "\(row)")
        XCTAssertEqual(row["revoked"] as? Bool, false)
        XCTAssertNotNil(subtree.first { $0["code"] as? String == sandun.code }?["lastContact"] as? Int, "the direct child has its hop's contact")
        XCTAssertTrue(try county.mustRun("status").stdout.contains("辖区 \(village.code)"), "status names the village")
        XCTAssertNil((status["sync"] as? [String: Any])?["unackedUp"] as? Int, "no lag toward a parent at the root")
        let metrics = try XCTUnwrap(HTTPProbe.get(port: county.port, path: "/metrics"))
        XCTAssertTrue(metrics.body.contains("liandong_subtree_last_heard_seconds{node=\"\(county.code)\",subtree_node=\"\(village.code)\"}"), metrics.body)
        XCTAssertFalse(metrics.body.contains("peer=\"parent\""), "the root has no parent hop")
    }

    // MARK: Revocation

    func testRevokedVillageIsRefusedAndItsLaterChangesNeverLand() throws {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        let neighbour = try cluster.enroll(code: Self.lanli, role: "village", name: "兰里村代办点", under: sandun)
        try village.syncOnce()
        try neighbour.syncOnce()
        let before = try accept(Item.oldAgeAllowance, at: village)
        try village.syncOnce()
        try cluster.waitUntil("the county never received \(before)") { try county.caseAt(before) != nil }

        // The town's administrator revokes its village: refused at once there, and the revocation travels to the county.
        try sandun.mustRun("node", "revoke", village.code, "--reason", "代办点撤销")
        try cluster.waitUntil("the revocation never reached the county") {
            try county.count("SELECT count(*) FROM nodes WHERE code = '\(village.code)' AND revoked_hlc IS NOT NULL") == 1
        }
        let held = try sandun.changeCount(origin: village.code)
        let after = try accept(Item.oldAgeAllowance, at: village)
        var refusal: RunResult?
        try cluster.waitUntil("the town never refused the revoked village") {
            let result = try village.run("sync", "--once", "--json")
            if !result.succeeded { refusal = result }
            return !result.succeeded && (result.stdout + result.stderr).contains("revoked_node")
        }
        XCTAssertEqual((try refusal?.object())?["error"] as? String, "revoked_node", refusal?.transcript ?? "")
        XCTAssertTrue(refusal?.stderr.contains("本节点 \(village.code) 已被") ?? false, refusal?.transcript ?? "")

        // Now that it knows, the village refuses every new case with a message saying what happened, and status says so.
        let refused = try village.run(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials) + ["--json"])
        XCTAssertFalse(refused.succeeded, refused.transcript)
        XCTAssertEqual(try refused.object()["error"] as? String, "node_revoked", refused.transcript)
        XCTAssertTrue(refused.stderr.contains("已被上级节点 \(sandun.code)") && refused.stderr.contains("不能再受理"), refused.transcript)
        let forward = try village.run("case", "forward", before, "--json")
        XCTAssertEqual(try forward.object()["error"] as? String, "node_revoked", "nothing new of any kind\n\(forward.transcript)")
        let status = try village.object("status")
        XCTAssertNotNil((status["revoked"] as? [String: Any])?["message"], "\(status)")
        XCTAssertTrue(try village.mustRun("status").stdout.contains("【已撤销】"))

        // The town goes on working for its other village, and the revoked one's change never lands.
        let neighbours = try accept(Item.oldAgeAllowance, at: neighbour)
        try neighbour.syncOnce()
        try cluster.waitUntil("the county never received \(neighbours)") { try county.caseAt(neighbours) != nil }
        XCTAssertNil(try sandun.caseAt(after))
        XCTAssertNil(try county.caseAt(after))
        XCTAssertEqual(try sandun.changeCount(origin: village.code), held)
        XCTAssertNotNil(try county.caseAt(before), "what it sent before the revocation stays")
    }

    // MARK: Helpers

    /// A county, a serving township and a village with one case before its backup and one after,
    /// both pushed; then the village is restored from that backup.
    func villageWithACaseMadeAfterItsBackup() throws -> (county: ClusterNode, sandun: ClusterNode, village: ClusterNode, first: String, second: String) {
        let county = try cluster.county()
        let sandun = try cluster.enroll(code: Self.sandun, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.raocheng, role: "village", name: "绕城村代办点", under: sandun)
        try village.syncOnce()
        let first = try accept(Item.oldAgeAllowance, at: village)
        try village.syncOnce()
        let backup = cluster.file("village-backup.sqlite")
        try village.mustRun("backup", "--to", backup)
        let second = try accept(Item.oldAgeAllowance, at: village)
        try village.syncOnce()
        try cluster.waitUntil("the county never received \(second)") { try county.caseAt(second) != nil }
        try village.mustRun("restore", "--from", backup)
        return (county, sandun, village, first, second)
    }

    func accept(_ item: Item, at node: ClusterNode, extra: [String] = []) throws -> String {
        let arguments = TestNode.acceptArguments(item: item.code, materials: item.requiredMaterials, extra: extra)
        let result = try node.run(arguments + ["--json"])
        guard result.succeeded, let number = try result.object()["number"] as? String else {
            throw E2EFailure("accept failed at \(node.code)\n\(result.transcript)")
        }
        return number
    }

    func acceptAndForward(_ item: Item, at village: ClusterNode) throws -> String {
        let number = try accept(item, at: village)
        try village.mustRun("case", "forward", number)
        try village.syncOnce()
        return number
    }

    /// Syncs the village until the result is there, then delivers, records the evaluation and pushes them.
    func deliverWhenReady(_ number: String, at village: ClusterNode) throws {
        try cluster.waitUntil("\(village.code) never received the result of \(number)") {
            try village.syncOnce()
            return try village.caseAt(number)?["state"] as? String == "result_ready"
        }
        try village.mustRun("case", "deliver", number, "--method", "collected")
        try village.mustRun("case", "evaluate", number, "--level", "1")
        try village.syncOnce()
    }

    /// Every node from the accepting village to the county holds the same state; no other node holds the case.
    func assertConverged(_ number: String, acceptedAt village: ClusterNode, file: StaticString = #filePath, line: UInt = #line) throws {
        var path: [ClusterNode] = [village]
        while let up = path.last?.parent { path.append(up) }
        let others = cluster.nodes.values.filter { node in !path.contains { $0 === node } }
        try cluster.waitUntil("\(number) does not hold the same state along its path") {
            let hashes = try path.map { try $0.stateHash(number) }
            return !hashes.contains(nil) && Set(hashes).count == 1
        }
        XCTAssertEqual(try village.caseAt(number)?["state"] as? String, "delivered", file: file, line: line)
        for node in others { XCTAssertNil(try node.caseAt(number), "\(node.code) is outside the case's path", file: file, line: line) }
    }

    func assertSameState(_ number: String, at nodes: [ClusterNode], file: StaticString = #filePath, line: UInt = #line) throws {
        let hashes = try nodes.map { try $0.stateHash(number) }
        XCTAssertFalse(hashes.contains(nil), "\(number) missing somewhere: \(hashes)", file: file, line: line)
        XCTAssertEqual(Set(hashes).count, 1, "\(number) differs: \(hashes)", file: file, line: line)
    }
}
