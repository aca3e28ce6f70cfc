import Foundation
import XCTest

/// A county's data directory written by an earlier release (Tests/Fixtures/release-a5b1a15) opened by
/// this binary: every migration since applies, the chain verifies, the old cases read as they were,
/// and the node goes on working — numbering after its last case, serving, taking its first staff account.
final class UpgradeEndToEndTests: XCTestCase {
    func testACountyFromAnEarlierReleaseUpgradesInPlaceAndGoesOnWorking() throws {
        let root = try TestNode()
        let directory = root.file("county")
        try FileManager.default.copyItem(atPath: Liandong.packageRoot.appendingPathComponent("Tests/Fixtures/release-a5b1a15").path, toPath: directory)
        try FileManager.default.removeItem(atPath: directory + "/README.md")
        // git keeps no file modes but the executable bit: the key is 0600 as the release wrote it.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory + "/node.key")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        func run(_ arguments: String...) throws -> RunResult {
            try Liandong.run(Array(arguments) + ["--data", directory], now: "2026-09-29T09:00:00+08:00")
        }

        let verified = try run("verify")
        XCTAssertTrue(verified.succeeded, verified.transcript)
        let status = try run("status", "--json").object()
        XCTAssertEqual(status["code"] as? String, "330127")
        XCTAssertEqual(status["cases"] as? Int, 4, "\(status)")
        let licence = try run("case", "show", "330127-20260928-0001", "--json").object()
        XCTAssertEqual(licence["state"] as? String, "delivered", "\(licence)")
        XCTAssertEqual(((licence["evaluation"] as? [String: Any])?["level"]) as? Int, 1, "\(licence)")
        XCTAssertEqual(try run("case", "show", "330127-20260928-0002", "--json").object()["state"] as? String, "denied")
        XCTAssertEqual(try run("case", "show", "330127-20260928-0003", "--json").object()["state"] as? String, "accepted")

        // Work goes on: the next number follows the old ones, the old open case is decided, the document is numbered.
        let accepted = try run("case", "accept", "--item", "000101201000", "--applicant-name", "钱六", "--applicant-id", "330127199009090042",
                               "--phone", "13812345672", "--material", "application", "--material", "id_card", "--material", "premises_proof", "--json")
        XCTAssertEqual(try accepted.object()["number"] as? String, "330127-20260929-0001", accepted.transcript)
        let approved = try run("case", "approve", "330127-20260928-0003", "--opinion", "符合条件")
        XCTAssertTrue(approved.succeeded, approved.transcript)
        XCTAssertTrue(try run("verify").succeeded)

        // The release had no staff accounts: the administrator adds the first one from the command line.
        XCTAssertEqual((try run("staff", "list", "--json").json() as? [Any])?.count, 0)
        let admin = try run("staff", "add", "--login", "admin", "--name", "管理员", "--role", "admin", "--json")
        XCTAssertNotNil(try admin.object()["oneTimePassword"] as? String, admin.transcript)

        // And it serves.
        let port = try FreePort.pick()
        let server = try Spawned(["serve", "--data", directory, "--listen", "127.0.0.1:\(port)"], log: root.file("serve.log"))
        defer { server.stop() }
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: port, path: "/healthz")?.body.contains("330127") == true },
                      String(decoding: FileManager.default.contents(atPath: root.file("serve.log")) ?? Data(), as: UTF8.self))
    }
}
