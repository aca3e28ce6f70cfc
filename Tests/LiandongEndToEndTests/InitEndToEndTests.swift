import Foundation
import XCTest

/// `liandong init`: one node per role, its code checked against the role, its key private.
final class InitEndToEndTests: XCTestCase {
    func testInitCreatesANodeForEachRole() throws {
        let cases: [(role: String, code: String, name: String, chinese: String)] = [
            ("county", "330127", "淳安县政务服务中心", "县"),
            ("township", "330127101", "千岛湖镇便民服务中心", "乡镇"),
            ("village", "330127101201", "文昌村代办点", "村"),
        ]
        for entry in cases {
            let node = try TestNode()
            let printed = try node.object("init", "--role", entry.role, "--code", entry.code, "--name", entry.name)
            XCTAssertEqual(printed["role"] as? String, entry.role)
            XCTAssertEqual(printed["code"] as? String, entry.code)
            XCTAssertEqual(printed["name"] as? String, entry.name)
            XCTAssertEqual((printed["publicKey"] as? String)?.count, 64, "an Ed25519 public key is 32 bytes, 64 hex digits")

            let status = try node.status()
            XCTAssertEqual(status["role"] as? String, entry.role)
            XCTAssertEqual(status["code"] as? String, entry.code)
            XCTAssertEqual(status["cases"] as? Int, 0)
            XCTAssertEqual(status["changes"] as? Int, entry.role == "county" ? 1 : 0, "a county registers itself (node.registered)")

            let text = try node.run("status")
            XCTAssertEqual(text.exitCode, 0, text.transcript)
            XCTAssertTrue(text.stdout.contains(entry.name) && text.stdout.contains(entry.chinese), text.transcript)
        }
    }

    func testInitRefusesACodeWhoseLengthDoesNotMatchTheRole() throws {
        let cases: [(role: String, code: String)] = [
            ("county", "330127101"), ("county", "33012"),
            ("township", "330127"), ("township", "330127101201"),
            ("village", "330127101"), ("village", "3301271012011"),
        ]
        for entry in cases {
            let node = try TestNode()
            let result = try node.failing("init", "--role", entry.role, "--code", entry.code, "--name", "某节点")
            XCTAssertEqual(try result.object()["error"] as? String, "invalid_code", result.transcript)
            XCTAssertTrue(result.stderr.contains(entry.code) && result.stderr.contains("不符"), result.transcript)
            XCTAssertFalse(FileManager.default.fileExists(atPath: node.directory + "/liandong.sqlite"), "nothing written for \(entry)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: node.directory + "/node.key"), "no key written for \(entry)")
        }
    }

    func testInitRefusesAnUnknownRole() throws {
        let node = try TestNode()
        let result = try node.failing("init", "--role", "city", "--code", "330100", "--name", "杭州市")
        XCTAssertEqual(result.exitCode, 2, "a usage error exits 2")
        XCTAssertEqual(try result.object()["error"] as? String, "invalid_role")
        XCTAssertTrue(result.stderr.contains("未知角色"), result.transcript)
    }

    func testInitTwiceOnTheSameDirectoryFailsAndKeepsTheFirstIdentity() throws {
        let node = try TestNode()
        let first = try node.object("init", "--role", "county", "--code", "330127", "--name", "淳安县")
        let keyBefore = try Data(contentsOf: URL(fileURLWithPath: node.directory + "/node.key"))

        let again = try node.failing("init", "--role", "township", "--code", "330127101", "--name", "千岛湖镇")
        XCTAssertEqual(try again.object()["error"] as? String, "already_initialized", again.transcript)
        XCTAssertTrue(again.stderr.contains("已经初始化"), again.transcript)

        let keyAfter = try Data(contentsOf: URL(fileURLWithPath: node.directory + "/node.key"))
        XCTAssertEqual(keyBefore, keyAfter, "the private key must not be replaced")
        let status = try node.status()
        XCTAssertEqual(status["code"] as? String, "330127")
        XCTAssertEqual(status["role"] as? String, "county")
        XCTAssertEqual(status["name"] as? String, first["name"] as? String)
        XCTAssertEqual(try node.run("verify").exitCode, 0)
    }

    func testNodeKeyIsReadableByItsOwnerOnly() throws {
        let node = try TestNode()
        _ = try node.object("init", "--role", "village", "--code", "330127101201", "--name", "文昌村")
        let attributes = try FileManager.default.attributesOfItem(atPath: node.directory + "/node.key")
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        XCTAssertEqual(mode & 0o777, 0o600, "node.key mode is \(String(mode, radix: 8))")
    }

    func testCommandsOnAnUninitializedDirectoryFailClearly() throws {
        let node = try TestNode()
        for command in [["status"], ["case", "list"], ["catalog", "list"], ["verify"]] {
            let result = try node.run(command + ["--json"])
            XCTAssertNotEqual(result.exitCode, 0, result.transcript)
            XCTAssertEqual(try result.object()["error"] as? String, "not_initialized", result.transcript)
            XCTAssertTrue(result.stderr.contains("尚未初始化"), result.transcript)
        }
    }
}
