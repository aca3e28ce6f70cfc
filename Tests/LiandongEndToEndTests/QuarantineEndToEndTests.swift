import Foundation
import XCTest

/// `quarantine list` and `quarantine retry` through the built binary: a village change pushed over
/// HTTP to a real township server that refuses it for a reason that can pass later, seen by the
/// township's administrator, and retried once the cause is gone.
final class QuarantineEndToEndTests: XCTestCase {
    var cluster: Cluster?

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    /// Epoch ms `minutes` from the real clock, for LIANDONG_NOW.
    private func realNow(plus minutes: Int64) -> String {
        String(Int64(Date().timeIntervalSince1970 * 1000) + minutes * 60_000)
    }

    private func quarantine(_ node: ClusterNode, _ arguments: [String], now: String? = nil) throws -> RunResult {
        try Liandong.run(["quarantine"] + arguments + ["--data", node.directory], now: now)
    }

    func testAChangeAheadOfTheTownshipsClockIsListedAndLandsOnRetryOnceTheClockCaughtUp() throws {
        let cluster = try Cluster()
        self.cluster = cluster
        let county = try cluster.county()
        let township = try cluster.enroll(code: "330106109", role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: "330106109201", role: "village", name: "绕城村代办点", under: township)
        try village.syncOnce()

        // The village PC's clock runs 9 minutes fast when it accepts a case. Knowing its parent's time, it
        // refuses (clock safety); after a reboot it no longer knows, and the change is recorded.
        let arguments = TestNode.acceptArguments(item: Item.seniorCard.code, materials: Item.seniorCard.requiredMaterials)
            + ["--data", village.directory, "--json"]
        let refused = try Liandong.run(arguments, now: realNow(plus: 9))
        XCTAssertEqual(try refused.object()["error"] as? String, "clock_skew", refused.transcript)
        _ = try village.sql("UPDATE parent_clock SET boot = 'another boot'")
        let accept = try Liandong.run(arguments, now: realNow(plus: 9))
        XCTAssertTrue(accept.succeeded, accept.transcript)
        let number = try XCTUnwrap(try accept.object()["number"] as? String)
        // It syncs with its clock still 4.5 minutes fast: within what the township lets a request be, and close
        // enough to the change's time that the village does not stamp it again; the township, on time, holds it.
        let pushed = try Liandong.run(["sync", "--once", "--json", "--data", village.directory], now: String(Int64(Date().timeIntervalSince1970 * 1000) + 270_000))
        XCTAssertTrue(pushed.succeeded, pushed.transcript)
        let synced = try pushed.object()
        let reports = synced["quarantined"] as? [[String: Any]] ?? []
        XCTAssertEqual(reports.compactMap { $0["reason"] as? String }, ["clock_skew"], "\(synced)")
        let id = "\(village.code)#\(try XCTUnwrap(reports.first?["seq"] as? Int))"

        let metrics = HTTPProbe.get(port: township.port, path: "/metrics")?.body ?? ""
        XCTAssertTrue(metrics.contains("liandong_quarantined_changes{node=\"330106109\",reason=\"clock_skew\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("liandong_quarantined_changes{node=\"330106109\",reason=\"unknown_origin\"} 0"), metrics)
        township.stopServer()

        // The township's administrator sees it: what, why, from whom.
        let listed = try quarantine(township, ["list", "--json"])
        XCTAssertTrue(listed.succeeded, listed.transcript)
        let document = try listed.object()
        XCTAssertEqual(document["total"] as? Int, 1, listed.stdout)
        XCTAssertEqual((document["byReason"] as? [String: Int])?["clock_skew"], 1)
        let row = try XCTUnwrap((document["quarantined"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["id"] as? String, id)
        XCTAssertEqual(row["reason"] as? String, "clock_skew")
        XCTAssertEqual(row["source"] as? String, village.code)
        XCTAssertEqual(row["transient"] as? Bool, true)
        XCTAssertEqual(row["held"] as? Bool, false)
        XCTAssertNotNil(row["kind"] as? String)
        XCTAssertTrue((row["message"] as? String ?? "").contains("时钟"), "\(row)")
        let text = try quarantine(township, ["list"])
        XCTAssertTrue(text.stdout.contains(id) && text.stdout.contains("clock_skew") && text.stdout.contains("来自 \(village.code)"), text.stdout)

        // Retried while still ahead: refused again, for the same reason, and kept.
        let early = try quarantine(township, ["retry", id, "--json"])
        XCTAssertTrue(early.succeeded, early.transcript)
        let earlyResult = try XCTUnwrap((try early.object()["results"] as? [[String: Any]])?.first)
        XCTAssertEqual(earlyResult["result"] as? String, "quarantined")
        XCTAssertEqual(earlyResult["reason"] as? String, "clock_skew")
        XCTAssertNil(try township.caseAt(number))

        // Once the township's clock has passed the change's time, the retry lands it.
        let retried = try quarantine(township, ["retry", id], now: realNow(plus: 20))
        XCTAssertTrue(retried.succeeded, retried.transcript)
        XCTAssertTrue(retried.stdout.contains("已通过核验并入库"), retried.stdout)
        XCTAssertEqual(try township.count("SELECT count(*) FROM quarantine"), 0)
        XCTAssertNotNil(try township.caseAt(number))
        XCTAssertEqual(try quarantine(township, ["list", "--json"]).object()["total"] as? Int, 0)
    }

    func testRetryOfAChangeNotInQuarantineExitsNonZeroWithAMessage() throws {
        let node = try TestNode.county()
        let missing = try node.failing("quarantine", "retry", "330127001201#7")
        XCTAssertEqual(missing.exitCode, 1)
        XCTAssertEqual(try missing.object()["error"] as? String, "not_quarantined", missing.transcript)
        XCTAssertTrue(missing.stderr.contains("隔离区中没有变更 330127001201#7"), missing.stderr)

        let malformed = try node.failing("quarantine", "retry", "330127001201")
        XCTAssertEqual(malformed.exitCode, 2, "a usage error")
        XCTAssertTrue(malformed.stderr.contains("节点代码#序号"), malformed.stderr)
        XCTAssertEqual(try node.failing("quarantine", "retry").exitCode, 2, "nothing named")

        let all = try node.object("quarantine", "retry", "--all")
        XCTAssertEqual(all["retried"] as? Int, 0)
        let listed = try node.object("quarantine", "list")
        XCTAssertEqual(listed["total"] as? Int, 0)
        XCTAssertEqual((listed["quarantined"] as? [Any])?.count, 0)
    }
}
