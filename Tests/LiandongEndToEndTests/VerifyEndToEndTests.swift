import Foundation
import XCTest

/// `liandong verify` on a clean node, and after rows are edited behind liandong's back with the
/// sqlite3 command-line tool.
final class VerifyEndToEndTests: XCTestCase {
    /// A county with two cases: one delivered, one just accepted.
    private func nodeWithTwoCases() throws -> (node: TestNode, delivered: String, accepted: String) {
        let node = try TestNode.county()
        let delivered = try node.acceptNumber(.oldAgeAllowance)
        try node.act("approve", delivered)
        try node.act("issue", delivered)
        try node.act("deliver", delivered)
        let accepted = try node.acceptNumber(.minimumLiving, name: "陈小红")
        return (node, delivered, accepted)
    }

    func testVerifyPassesOnACleanNode() throws {
        let (node, _, _) = try nodeWithTwoCases()
        let report = try node.object("verify")
        XCTAssertEqual(report["ok"] as? Bool, true)
        XCTAssertEqual(report["cases"] as? Int, 2)
        XCTAssertEqual(report["changes"] as? Int, try node.status()["changes"] as? Int, "every change checked")
        XCTAssertEqual(report["changes"] as? Int, 1 + Item.exampleCount + 1 + 5, "the county's own registration, 13 items, the calendar, 5 case changes")
        XCTAssertGreaterThanOrEqual(report["signatures"] as? Int ?? 0, 1)
        XCTAssertEqual((report["problems"] as? [Any])?.count, 0)
        let text = try node.run("verify")
        XCTAssertEqual(text.exitCode, 0)
        XCTAssertTrue(text.stdout.contains("核验通过"), text.transcript)
    }

    func testAnEditedChangePayloadIsReportedWithItsCaseAndChange() throws {
        let (node, _, accepted) = try nodeWithTwoCases()
        let change = try node.sql("SELECT origin || '#' || seq FROM changes WHERE entity = '\(accepted)' AND kind = 'case.accepted'")
        XCTAssertTrue(change.hasPrefix("330127#"), change)
        try node.sql("UPDATE changes SET payload = replace(payload, '陈小红', '陈大红') WHERE entity = '\(accepted)' AND kind = 'case.accepted'")

        let result = try node.failing("verify")
        XCTAssertNotEqual(result.exitCode, 0)
        let error = try result.object()
        XCTAssertEqual(error["error"] as? String, "verify_failed")
        let problems = try XCTUnwrap(error["problems"] as? [[String: Any]])
        let badHash = try XCTUnwrap(problems.first { $0["code"] as? String == "bad_hash" }, "\(problems)")
        XCTAssertEqual(badHash["change"] as? String, change)
        XCTAssertEqual(badHash["entity"] as? String, accepted)
        XCTAssertTrue(problems.allSatisfy { $0["entity"] as? String == accepted }, "only the edited case is named: \(problems)")
        XCTAssertTrue(result.stderr.contains(change) && result.stderr.contains(accepted), result.transcript)
        XCTAssertTrue(result.stderr.contains("被改动过"), result.transcript)
    }

    func testAnEditedCaseStateIsReported() throws {
        let (node, delivered, accepted) = try nodeWithTwoCases()
        try node.sql("UPDATE cases SET state = replace(state, '\"state\":\"delivered\"', '\"state\":\"approved\"') WHERE number = '\(delivered)'")
        XCTAssertEqual(try node.sql("SELECT count(*) FROM cases WHERE number = '\(delivered)' AND state LIKE '%\"state\":\"approved\"%'"), "1",
                       "the edit took")

        let result = try node.failing("verify")
        let problems = try XCTUnwrap(try result.object()["problems"] as? [[String: Any]])
        XCTAssertEqual(problems.compactMap { $0["code"] as? String }, ["state_edited"], "\(problems)")
        XCTAssertEqual(problems.first?["entity"] as? String, delivered)
        XCTAssertTrue(result.stderr.contains(delivered), result.transcript)
        XCTAssertFalse(result.stderr.contains(accepted), result.transcript)
    }

    /// A state copied with its own hash from another case is self-consistent; only the replay catches it.
    func testACaseStateReplacedWithAConsistentHashDisagreesWithTheReplay() throws {
        let (node, delivered, accepted) = try nodeWithTwoCases()
        try node.sql("""
            UPDATE cases SET state = (SELECT state FROM cases WHERE number = '\(delivered)'),
                state_hash = (SELECT state_hash FROM cases WHERE number = '\(delivered)')
            WHERE number = '\(accepted)'
            """)
        let result = try node.failing("verify")
        let problems = try XCTUnwrap(try result.object()["problems"] as? [[String: Any]])
        XCTAssertEqual(problems.compactMap { $0["code"] as? String }, ["state_mismatch"], "\(problems)")
        XCTAssertEqual(problems.first?["entity"] as? String, accepted)
        XCTAssertTrue(result.stderr.contains("state_mismatch") && result.stderr.contains(accepted), result.transcript)
    }

    func testADeletedChangeBreaksTheChain() throws {
        let (node, delivered, _) = try nodeWithTwoCases()
        let seq = try node.sql("SELECT seq FROM changes WHERE entity = '\(delivered)' AND kind = 'case.result_issued'")
        try node.sql("DELETE FROM changes WHERE origin = '330127' AND seq = \(seq)")
        let result = try node.failing("verify")
        let problems = try XCTUnwrap(try result.object()["problems"] as? [[String: Any]])
        let codes = Set(problems.compactMap { $0["code"] as? String })
        XCTAssertTrue(codes.contains("sequence_gap"), "\(problems)")
        XCTAssertTrue(codes.contains("state_mismatch"), "the delivered case no longer replays to delivered: \(problems)")
        XCTAssertTrue(result.stderr.contains(delivered), result.transcript)
    }
}
