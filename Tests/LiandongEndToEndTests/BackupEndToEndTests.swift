import Foundation
import XCTest

/// `backup --to FILE` while another process keeps accepting cases, and `restore --from FILE`.
final class BackupEndToEndTests: XCTestCase {
    func testBackupWhileAnotherProcessWritesIsConsistentAndRestoresTheEarlierState() throws {
        let node = try TestNode.county()
        let backup = node.file("backup.ldbk")
        let loop = try AcceptLoop(node: node, label: "窗口", limit: 400)
        XCTAssertTrue(try eventually(within: 30) { try node.caseCount() >= 3 }, "the loop is accepting: \(loop.failures)")

        let before = try node.caseCount()
        let printed = try node.object("backup", "--to", backup)
        let after = try node.caseCount()
        XCTAssertEqual(printed["backup"] as? String, backup)
        XCTAssertTrue(try eventually(within: 30) { try node.caseCount() >= after + 3 }, "the loop kept accepting after the backup")
        XCTAssertTrue(loop.isRunning, "the writer was still running when the backup was taken")
        loop.stop()
        XCTAssertEqual(loop.process.terminationStatus, 0)
        XCTAssertEqual(loop.failures, "", "every acceptance beside the backup succeeded")
        let final = try node.caseCount()
        XCTAssertEqual(try node.run("verify").exitCode, 0)

        // The backup checks out (its database passes quick_check, its key matches) and holds a prefix of the cases.
        let checked = try node.object("backup", "check", backup)
        let backedUp = try XCTUnwrap(checked["cases"] as? Int)
        XCTAssertTrue((before...after).contains(backedUp), "backup holds \(backedUp), between \(before) and \(after)")
        XCTAssertLessThan(backedUp, final)

        // Restored into a copy of the node directory, it passes verify.
        let copy = try TestNode()
        try FileManager.default.copyItem(atPath: node.directory, toPath: copy.directory)
        let restored = try copy.object("restore", "--from", backup)
        XCTAssertEqual(restored["restored"] as? String, backup)
        let report = try copy.object("verify")
        XCTAssertEqual(report["ok"] as? Bool, true)
        XCTAssertEqual(report["cases"] as? Int, backedUp)
        XCTAssertEqual(try copy.caseCount(), backedUp)

        // Restored over the node itself, it brings back the earlier state.
        _ = try node.object("restore", "--from", backup)
        XCTAssertEqual(try node.caseCount(), backedUp)
        XCTAssertEqual(try node.listNumbers().count, backedUp)
        XCTAssertEqual(try node.run("verify").exitCode, 0)
    }

    func testRestoreRefusesAMissingFileAndAnotherNodesBackup() throws {
        let node = try TestNode.county()
        _ = try node.acceptNumber(.oldAgeAllowance)

        let missing = try node.failing("restore", "--from", node.file("nothing.sqlite"))
        XCTAssertEqual(try missing.object()["error"] as? String, "backup_not_found")

        let other = try TestNode()
        _ = try other.object("init", "--role", "township", "--code", "330127101", "--name", "千岛湖镇")
        let foreign = other.file("township.sqlite")
        _ = try other.object("backup", "--to", foreign)
        let refused = try node.failing("restore", "--from", foreign)
        XCTAssertEqual(try refused.object()["error"] as? String, "backup_foreign")
        XCTAssertTrue(refused.stderr.contains("330127101"), refused.transcript)

        let garbage = node.file("garbage.sqlite")
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: garbage))
        let unreadable = try node.failing("restore", "--from", garbage)
        XCTAssertEqual(try unreadable.object()["error"] as? String, "backup_unreadable", unreadable.transcript)

        XCTAssertEqual(try node.caseCount(), 1, "a refused restore leaves the node as it was")
        XCTAssertEqual(try node.run("verify").exitCode, 0)
    }
}
