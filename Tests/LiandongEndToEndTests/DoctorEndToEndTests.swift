import Foundation
import XCTest

/// `liandong doctor` on real nodes: a healthy county passes, a cut-off township is told what to do.
final class DoctorEndToEndTests: XCTestCase {
    func testHealthyServingCountyWithABackupPassesAndLoosePermissionsDoNot() throws {
        let node = try TestNode.county()
        let backups = node.file("backups")
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        let config = node.file("liandong.conf")
        let port = try FreePort.pick()
        try Data("data = \(node.directory)\nlisten = 127.0.0.1:\(port)\nbackup-dir = \(backups)\n".utf8).write(to: URL(fileURLWithPath: config))
        let server = try Spawned(["serve", "--config", config], log: node.file("serve.log"))
        defer { server.stop() }
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: port, path: "/healthz")?.status == 200 })
        XCTAssertTrue(try Liandong.run(["backup", "--config", config], now: nil).succeeded)

        let healthy = try Liandong.run(["doctor", "--config", config, "--json"], now: nil)
        XCTAssertEqual(healthy.exitCode, 0, healthy.transcript)
        let report = try healthy.object()
        XCTAssertEqual(report["ok"] as? Bool, true)
        let checks = (report["checks"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
        XCTAssertEqual(checks, ["integrity", "disk", "permissions", "key", "backup", "service"])

        chmod(node.directory + "/node.key", 0o644)
        let loose = try Liandong.run(["doctor", "--config", config], now: nil)
        XCTAssertEqual(loose.exitCode, 1, loose.transcript)
        XCTAssertTrue(loose.stdout.contains("需处理 节点私钥文件权限为 0644。建议：运行 chmod 600"), loose.transcript)
    }

    func testTownshipThatCannotReachItsParentIsToldWhatToDo() throws {
        let node = try TestNode()
        XCTAssertTrue(try node.run("init", "--role", "township", "--code", "330127001", "--name", "镇", "--parent", "http://127.0.0.1:9").succeeded)
        let result = try Liandong.run(["doctor", "--data", node.directory], now: nil)
        XCTAssertEqual(result.exitCode, 1, result.transcript)
        XCTAssertTrue(result.stdout.contains("需处理 无法连接上级"), result.transcript)
        XCTAssertTrue(result.stdout.contains("需处理 还没有与上级成功同步过"), result.transcript)
        XCTAssertTrue(result.stdout.contains("需处理 未配置备份目录"), result.transcript)
    }
}

/// A binary older than the database refuses it and says which version it needs.
final class SoftwareVersionEndToEndTests: XCTestCase {
    func testOlderBinaryRefusesADatabaseANewerOneMigrated() throws {
        let node = try TestNode.county()
        XCTAssertTrue(try node.run("status").succeeded)
        let database = node.directory + "/liandong.sqlite"
        XCTAssertFalse(try SQLite.run("SELECT value FROM settings WHERE key = 'software_version'", on: database).isEmpty)
        // What a newer liandong leaves behind: a migration this binary does not know, and its version.
        _ = try SQLite.run("INSERT INTO migrations(name, applied_at) VALUES ('999_future', 0); INSERT OR REPLACE INTO settings(key, value) VALUES ('software_version', '9.9.0')", on: database)
        for command in [["status"], ["serve", "--listen", "127.0.0.1:0"]] {
            let refused = try node.failing(command)
            let object = try refused.object()
            XCTAssertEqual(object["error"] as? String, "database_too_new", refused.transcript)
            XCTAssertEqual(object["needs"] as? String, "9.9.0", refused.transcript)
            XCTAssertTrue(refused.stderr.contains("请安装 liandong 9.9.0 或更新的版本"), refused.transcript)
        }
    }
}
