import Foundation
import XCTest

/// The config file: read by every command, overridden by flags, and refused with the line that is wrong.
final class ConfigFileEndToEndTests: XCTestCase {
    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func testServeRunsFromTheConfigFileAloneAndLogsWithALevel() throws {
        let node = try TestNode.county()
        let port = try FreePort.pick()
        let config = node.file("liandong.conf")
        try write("# 县中心\ndata = \(node.directory)\nlisten = 127.0.0.1:\(port)\nlog-level = info\n", to: config)
        let log = node.file("serve.log")
        let server = try Spawned(["serve", "--config", config], log: log)
        defer { server.stop() }
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: port, path: "/healthz")?.body.contains("330127") == true })
        let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        XCTAssertTrue(text.contains("INFO [liandong 330127] serving county 330127 on http://127.0.0.1:\(port)"), text)
        // Every other command reads it too.
        let status = try Liandong.run(["status", "--json"], now: nil, extraEnvironment: ["LIANDONG_CONFIG": config])
        XCTAssertEqual(try status.object()["code"] as? String, "330127", status.transcript)
    }

    func testFlagsOverrideTheConfigFile() throws {
        let node = try TestNode.county()
        let config = node.file("liandong.conf")
        try write("data = /nonexistent/liandong\n", to: config)
        let fromConfig = try Liandong.run(["status", "--config", config, "--json"], now: nil)
        XCTAssertEqual(try fromConfig.object()["error"] as? String, "not_initialized", fromConfig.transcript)
        let overridden = try Liandong.run(["status", "--config", config, "--data", node.directory, "--json"], now: nil)
        XCTAssertEqual(try overridden.object()["code"] as? String, "330127", overridden.transcript)
    }

    func testUnknownOrMalformedKeysNameTheirLine() throws {
        let node = try TestNode.county()
        let config = node.file("liandong.conf")
        let cases: [(String, Int, String)] = [
            ("data = \(node.directory)\n\nlisten_address = 127.0.0.1:8750\n", 3, "未知的键 listen_address"),
            ("data = \(node.directory)\nlisten = 8750\n", 2, "listen 应为 HOST:PORT"),
            ("log-level = loud\n", 1, "log-level 应为"),
            ("data\n", 1, "应为“键 = 值”"),
        ]
        for (text, line, words) in cases {
            try write(text, to: config)
            for command in [["serve"], ["status"]] {
                let result = try Liandong.run(command + ["--config", config, "--json"], now: nil)
                XCTAssertEqual(result.exitCode, 2, result.transcript)
                let object = try result.object()
                XCTAssertEqual(object["error"] as? String, "invalid_config", result.transcript)
                XCTAssertEqual(object["line"] as? Int, line, result.transcript)
                XCTAssertTrue(result.stderr.contains("配置文件 \(config) 第 \(line) 行：") && result.stderr.contains(words), result.transcript)
            }
        }
        let missing = try Liandong.run(["status", "--config", node.file("absent.conf"), "--json"], now: nil)
        XCTAssertEqual(try missing.object()["error"] as? String, "config_unreadable", missing.transcript)
    }

    func testBackupGoesToTheConfiguredDirectoryAndOldOnesArePruned() throws {
        let node = try TestNode.county()
        let backups = node.file("backups")
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        let old = backups + "/liandong-330127-20200101-000000.ldbk"
        try write("old", to: old)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -30 * 86400)], ofItemAtPath: old)
        let config = node.file("liandong.conf")
        try write("data = \(node.directory)\nbackup-dir = \(backups)\nbackup-keep-days = 14\n", to: config)
        let result = try Liandong.run(["backup", "--config", config, "--json"], now: nil)
        let object = try result.object()
        let path = try XCTUnwrap(object["backup"] as? String, result.transcript)
        XCTAssertTrue(path.hasPrefix(backups + "/liandong-330127-") && path.hasSuffix(".ldbk"), path)
        XCTAssertEqual(object["removed"] as? [String], [old])
        XCTAssertFalse(FileManager.default.fileExists(atPath: old))
        XCTAssertEqual(try node.object("backup", "check", path)["code"] as? String, "330127")
    }
}
