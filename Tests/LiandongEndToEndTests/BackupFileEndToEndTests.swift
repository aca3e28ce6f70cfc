import Foundation
import XCTest

/// Backup files that restore on a new PC: encryption, `backup check`, restore into an empty
/// directory, and the lock that keeps `restore` away from a running `serve`.
final class BackupFileEndToEndTests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func testEncryptedBackupRoundTripsIntoAnEmptyDirectory() throws {
        let node = try TestNode.county()
        let first = try node.acceptNumber(.oldAgeAllowance)
        _ = try node.acceptNumber(.oldAgeAllowance)
        let passphrase = node.file("passphrase")
        try Data("县里保管的口令 2026\n".utf8).write(to: URL(fileURLWithPath: passphrase))
        let backup = node.file("county.ldbk")
        let written = try node.object("backup", "--to", backup, "--passphrase-file", passphrase)
        XCTAssertEqual(written["encrypted"] as? Bool, true)
        XCTAssertEqual(try mode(backup), 0o600, "a backup holds the key and ID numbers: owner only")
        let raw = try Data(contentsOf: URL(fileURLWithPath: backup))
        XCTAssertNil(raw.range(of: Data("SQLite format 3".utf8)), "nothing of the database is in the clear")
        XCTAssertNil(raw.range(of: Data(Applicants.id.utf8)))

        let locked = try node.failing("backup", "check", backup)
        XCTAssertEqual(try locked.object()["error"] as? String, "backup_encrypted", locked.transcript)
        let wrong = node.file("wrong")
        try Data("not the passphrase".utf8).write(to: URL(fileURLWithPath: wrong))
        let refused = try node.failing("backup", "check", backup, "--passphrase-file", wrong)
        XCTAssertEqual(try refused.object()["error"] as? String, "backup_wrong_passphrase", refused.transcript)
        let checked = try node.object("backup", "check", backup, "--passphrase-file", passphrase)
        XCTAssertEqual(checked["code"] as? String, "330127")
        XCTAssertEqual(checked["cases"] as? Int, 2)
        XCTAssertEqual(checked["files"] as? [String], ["manifest.json", "liandong.sqlite", "node.key"])

        // A new PC: an empty directory, nothing but the backup and the passphrase.
        let newPC = try TestNode()
        let restored = try Liandong.run(
            ["restore", "--data", newPC.directory, "--from", backup, "--json"], now: TestNode.defaultNow,
            extraEnvironment: ["LIANDONG_BACKUP_PASSPHRASE": "县里保管的口令 2026"])
        XCTAssertTrue(restored.succeeded, restored.transcript)
        XCTAssertEqual(try mode(newPC.directory + "/node.key"), 0o600)
        XCTAssertEqual(try mode(newPC.directory + "/liandong.sqlite"), 0o600)
        XCTAssertEqual(try mode(newPC.directory), 0o700)
        XCTAssertEqual(try newPC.object("verify")["ok"] as? Bool, true)
        XCTAssertEqual(try newPC.caseCount(), 2)
        XCTAssertEqual(try newPC.show(first)["number"] as? String, first)
        let status = try newPC.status()
        XCTAssertEqual(status["code"] as? String, "330127")
        // The restored node signs new changes with its own key: it is back under its code.
        _ = try newPC.acceptNumber(.oldAgeAllowance)
        XCTAssertEqual(try newPC.object("verify")["ok"] as? Bool, true)
    }

    func testDamagedOrTruncatedBackupIsRefusedAndNothingIsWritten() throws {
        let node = try TestNode.county()
        let backup = node.file("county.ldbk")
        _ = try node.object("backup", "--to", backup)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        let truncated = node.file("truncated.ldbk")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let cut = try node.failing("backup", "check", truncated)
        XCTAssertEqual(try cut.object()["error"] as? String, "backup_damaged", cut.transcript)
        bytes[bytes.count / 2] ^= 0xFF
        let flipped = node.file("flipped.ldbk")
        try bytes.write(to: URL(fileURLWithPath: flipped))
        let newPC = try TestNode()
        let result = try Liandong.run(["restore", "--data", newPC.directory, "--from", flipped, "--json"], now: TestNode.defaultNow)
        XCTAssertFalse(result.succeeded, result.transcript)
        XCTAssertEqual(try result.object()["error"] as? String, "backup_damaged", result.transcript)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: newPC.directory)) ?? []
        XCTAssertEqual(left.filter { $0 != "serve.lock" }, [], "a refused restore leaves no node behind")
    }

    func testRestoreIsRefusedWhileServeHoldsTheDirectory() throws {
        let node = try TestNode.county()
        let backup = node.file("county.ldbk")
        _ = try node.object("backup", "--to", backup)
        let port = try FreePort.pick()
        let server = try Spawned(["serve", "--data", node.directory, "--listen", "127.0.0.1:\(port)"], log: node.file("serve.log"))
        defer { server.stop() }
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: port, path: "/healthz")?.status == 200 }, "serve came up")

        let refused = try node.failing("restore", "--from", backup)
        XCTAssertEqual(try refused.object()["error"] as? String, "node_in_use", refused.transcript)
        XCTAssertTrue(refused.stderr.contains("systemctl stop liandong"), refused.transcript)
        let second = try Liandong.run(["serve", "--data", node.directory, "--listen", "127.0.0.1:0", "--json"], now: nil)
        XCTAssertEqual(try second.object()["error"] as? String, "node_in_use", "a second serve on the same directory is refused too")

        server.stop()
        XCTAssertTrue(try node.run("restore", "--from", backup).succeeded, "once serve has stopped, restore proceeds")
        XCTAssertEqual(try node.object("verify")["ok"] as? Bool, true)
    }

    func testCountyRestoredIntoANewDirectoryCarriesOnWithItsTownship() throws {
        let cluster = try Cluster()
        defer { cluster.shutdown() }
        let county = try cluster.county()
        let town = try cluster.enroll(code: "330106109", role: "township", name: "三墩镇便民服务中心", under: county)
        try town.syncOnce()
        // Backed up while the county serves.
        let backup = cluster.file("county.ldbk")
        try county.mustRun("backup", "--to", backup)
        try Bulk.accept(5, at: town.directory)
        try town.syncOnce()

        // The county PC dies; a new one gets the backup, in a new directory, on the same address.
        let port = county.port
        county.stopServer()
        let newPC = cluster.file("new-county-pc")
        let restored = try Liandong.run(["restore", "--data", newPC, "--from", backup, "--json"], now: nil)
        XCTAssertTrue(restored.succeeded, restored.transcript)
        let server = try Spawned(["serve", "--data", newPC, "--listen", "127.0.0.1:\(port)"], log: cluster.file("new-county.log"))
        defer { server.stop() }
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: port, path: "/healthz")?.body.contains("330106") == true })

        // The township carries on: its cases that the restored county lost come back up.
        let townChanges = try town.changeCount(origin: town.code)
        try cluster.waitUntil("the restored county never got the township's changes back") {
            _ = try town.run("sync", "--once", "--json")
            return try SQLite.run("SELECT count(*) FROM changes WHERE origin = '330106109'", on: newPC + "/liandong.sqlite") == String(townChanges)
        }
        let verify = try Liandong.run(["verify", "--data", newPC, "--json"], now: nil)
        XCTAssertTrue(verify.succeeded, verify.transcript)
        XCTAssertTrue(try town.verifyClean())
    }
}
