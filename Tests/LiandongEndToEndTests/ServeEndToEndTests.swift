import Foundation
import XCTest

/// `serve` and `sync` through the built binary: start, log, stop on a signal; refusals.
final class ServeEndToEndTests: XCTestCase {
    func testServeLogsItsAddressAndStopsGracefullyOnSIGTERM() throws {
        let node = try TestNode.county()
        let errPath = node.file("serve.err")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Liandong.binary())
        process.arguments = ["serve", "--data", node.directory, "--listen", "127.0.0.1:0"]
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        func log() -> String { String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self) }
        let limit = Date().addingTimeInterval(30)
        while !log().contains("serving county 330127 on http://127.0.0.1:"), Date() < limit, process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(log().contains("serving county 330127 on http://127.0.0.1:"), log())
        XCTAssertFalse(log().contains("http://127.0.0.1:0"), "the bound port is logged, not 0: \(log())")
        // The CLI works on the same node while serve runs.
        XCTAssertTrue(try node.run("status").succeeded)
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, log())
        XCTAssertTrue(log().contains("stopped"), log())
    }

    func testServeRefusesPlainHTTPOnAPublicAddress() throws {
        let node = try TestNode.county()
        let result = try node.failing("serve", "--listen", "0.0.0.0:0")
        XCTAssertEqual(try result.object()["error"] as? String, "insecure_http", result.transcript)
        XCTAssertEqual(result.exitCode, 2)
    }

    func testServeWithoutAListenAddressIsAUsageError() throws {
        let node = try TestNode.county()
        let result = try node.failing("serve")
        XCTAssertEqual(try result.object()["error"] as? String, "usage", result.transcript)
    }

    func testSyncWithoutAParentSaysSo() throws {
        let node = try TestNode.county()
        let result = try node.failing("sync", "--once")
        XCTAssertEqual(try result.object()["error"] as? String, "no_parent", result.transcript)
    }

    func testSyncWithAnUnreachableParentFailsAndStatusShowsTheError() throws {
        let node = try TestNode()
        XCTAssertTrue(try node.run("init", "--role", "township", "--code", "330127001", "--name", "镇", "--parent", "http://127.0.0.1:9").succeeded)
        let result = try node.failing("sync", "--once")
        XCTAssertEqual(try result.object()["error"] as? String, "unreachable", result.transcript)
        let status = try node.object("status")
        let sync = status["sync"] as? [String: Any]
        XCTAssertNotNil(sync?["lastError"] as? String, "status shows the last error: \(status)")
        // No English reaches staff: curl's message stays in the JSON detail, the sentence is Chinese.
        XCTAssertTrue(result.stderr.contains("无法连接上级") && result.stderr.contains("无法连接（"), result.transcript)
        XCTAssertFalse(result.stderr.contains("Failed") || result.stderr.contains("Could"), result.transcript)
        XCTAssertTrue((sync?["lastError"] as? String)?.contains("无法连接") ?? false, "\(status)")
    }

    func testStaffSeeChineseForBadJSONAndADefaultActor() throws {
        let node = try TestNode.county()
        let file = NSTemporaryDirectory() + "liandong-bad-\(getpid()).json"
        try Data("{\"version\": 1, \"items\": [}".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let bad = try node.failing("catalog", "import", file)
        XCTAssertEqual(try bad.object()["error"] as? String, "malformed_json", bad.transcript)
        XCTAssertTrue(bad.stderr.contains("JSON 格式错误") && !bad.stderr.contains("unexpected"), bad.transcript)
        let accepted = try node.json(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials))
        XCTAssertEqual((accepted as? [String: Any])?["acceptedBy"].flatMap { ($0 as? String)?.hasPrefix("本机操作员") }, true, "\(accepted)")
    }
}
