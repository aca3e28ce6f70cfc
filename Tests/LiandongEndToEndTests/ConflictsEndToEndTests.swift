import Foundation
import XCTest

/// `conflicts list` and `conflicts resolve` through the built binary, on nodes whose logs hold each
/// rule's competing changes (built with the store API by ConflictHistories: the CLI cannot move
/// changes between nodes until the sync runs).
final class ConflictsEndToEndTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "liandong-e2e-conflicts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Deploy/examples").path
    }

    func run(_ code: String, _ arguments: String...) throws -> RunResult {
        try Liandong.run(arguments + ["--data", root + "/" + code], now: "2026-09-29T10:00:00+08:00")
    }

    func list(_ code: String, _ extra: String...) throws -> [[String: Any]] {
        let result = try Liandong.run(["conflicts", "list", "--json"] + extra + ["--data", root + "/" + code], now: "2026-09-29T10:00:00+08:00")
        XCTAssertTrue(result.succeeded, result.transcript)
        return try XCTUnwrap(try result.json() as? [[String: Any]], result.transcript)
    }

    func testEachRuleIsListedAndAResolutionIsRecordedByTheResolverTierOnly() throws {
        let histories = try ConflictHistories(root: root, examples: examples)
        try histories.build()
        let cases = histories.cases
        histories.close()

        // The county holds every history but the pending one; each rule's conflict is on its case.
        let atCounty = try list(ConflictHistories.county)
        let rules = Set(atCounty.compactMap { $0["rule"] as? String })
        XCTAssertEqual(rules, ["decision_final", "withdraw_vs_decision", "field_last_writer", "material_add_only",
                               "possible_duplicate", "item_version_at_acceptance"])
        for conflict in atCounty {
            let rule = try XCTUnwrap(conflict["rule"] as? String)
            XCTAssertEqual((conflict["id"] as? String)?.count, 16)
            XCTAssertTrue((conflict["cases"] as? [String])?.contains(cases[rule] ?? "-") ?? false, "\(rule): \(conflict)")
            XCTAssertEqual(conflict["status"] as? String, "open")
            XCTAssertFalse((conflict["changes"] as? [[String: Any]])?.isEmpty ?? true, "\(rule): competing changes listed")
            XCTAssertNotNil(conflict["resolverTier"] as? String, "\(rule)")
            XCTAssertFalse((conflict["message"] as? String ?? "").isEmpty)
        }
        let lww = try XCTUnwrap(atCounty.first { $0["rule"] as? String == "field_last_writer" })
        let fields = (lww["values"] as? [String: Any])?["fields"] as? [String: [String: String]]
        XCTAssertEqual(fields?["phone"], ["winner": "13900002222", "loser": "13900001111"], "the losing value is kept")
        XCTAssertEqual(atCounty.first { $0["rule"] as? String == "decision_final" }?["resolverTier"] as? String, "county")

        // The same conflicts, by id, where the village holds the same cases.
        let atVillage = try list(ConflictHistories.village)
        let villageIDs = Set(atVillage.compactMap { $0["id"] as? String })
        let countyIDs = Set(atCounty.filter { $0["rule"] as? String != "possible_duplicate" }.compactMap { $0["id"] as? String })
        XCTAssertEqual(villageIDs, countyIDs, "the village does not hold the township's duplicate case")
        // The township holds changes whose acceptance it has not received.
        XCTAssertEqual(try list(ConflictHistories.township).first { $0["rule"] as? String == "history_pending" }?["cases"] as? [String],
                       [cases["history_pending"] ?? ""])

        // Text output is Chinese and names the rule, the case and the resolver.
        let text = try run(ConflictHistories.county, "conflicts", "list")
        XCTAssertTrue(text.stdout.contains("决定为终局") && text.stdout.contains("应由") && text.stdout.contains(cases["decision_final"] ?? "-"), text.stdout)

        // Only the resolver's tier or above may resolve.
        let duplicate = try XCTUnwrap(atCounty.first { $0["rule"] as? String == "possible_duplicate" }?["id"] as? String)
        let refused = try run(ConflictHistories.township, "conflicts", "resolve", duplicate, "--note", "同一人", "--json")
        XCTAssertFalse(refused.succeeded)
        XCTAssertEqual(try refused.object()["error"] as? String, "not_authorized", refused.transcript)
        XCTAssertTrue(refused.stderr.contains("县"), refused.stderr)

        let keep = try XCTUnwrap(cases["possible_duplicate"])
        let resolved = try run(ConflictHistories.county, "conflicts", "resolve", duplicate, "--note", "同一申请，保留村级受理的一件",
                               "--keep", keep, "--actor", "督查-周", "--json")
        XCTAssertTrue(resolved.succeeded, resolved.transcript)
        let resolution = try XCTUnwrap(try resolved.object()["resolution"] as? [String: Any], resolved.transcript)
        XCTAssertEqual(resolution["by"] as? String, ConflictHistories.county)
        XCTAssertEqual(resolution["keep"] as? String, keep)
        XCTAssertFalse(try list(ConflictHistories.county).contains { $0["id"] as? String == duplicate }, "no longer open")
        XCTAssertEqual(try list(ConflictHistories.county, "--all").first { $0["id"] as? String == duplicate }?["status"] as? String, "resolved")
        let again = try run(ConflictHistories.county, "conflicts", "resolve", duplicate, "--note", "再次", "--json")
        XCTAssertEqual(try again.object()["error"] as? String, "already_resolved", again.transcript)

        // The village resolves its own field conflict, keeping the value the township overwrote.
        let lwwID = try XCTUnwrap(lww["id"] as? String)
        let kept = try run(ConflictHistories.village, "conflicts", "resolve", lwwID, "--note", "已电话核实", "--keep", "loser", "--json")
        XCTAssertTrue(kept.succeeded, kept.transcript)
        let show = try run(ConflictHistories.village, "case", "show", cases["field_last_writer"] ?? "-", "--json")
        XCTAssertEqual((try show.object()["applicant"] as? [String: Any])?["phone"] as? String, "13900001111", show.transcript)

        for code in [ConflictHistories.county, ConflictHistories.township, ConflictHistories.village] {
            let verify = try run(code, "verify", "--json")
            XCTAssertEqual(try verify.object()["ok"] as? Bool, true, verify.transcript)
        }
    }
}
