import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync
import XCTest

/// `liandong init --parent URL --enroll TOKEN` run as the built binary against a county served by
/// the transport with `Enrollment.respond` — the whole command path without `liandong serve`.
final class EnrollCommandTests: XCTestCase {
    private var root = ""
    private var server: HTTPServer?

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "liandong-enroll-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        server?.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// LIANDONG_BIN, as the end-to-end tests use it.
    private func binary() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["LIANDONG_BIN"], FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("set LIANDONG_BIN to the built liandong binary to run the enroll command tests")
        }
        return path
    }

    private func run(_ arguments: String...) throws -> (status: Int32, json: JSONValue?, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments + ["--json"]
        let out = root + "/out-\(UUID().uuidString)"
        let err = root + "/err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        process.waitUntilExit()
        let stdout = FileManager.default.contents(atPath: out) ?? Data()
        let stderr = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, try? JSONParser.parse([UInt8](stdout)), stderr)
    }

    func testInitEnrollJoinsTrustsTheRegistryAndARevokedCodeCannotJoinAgain() throws {
        let countyDirectory = root + "/county"
        XCTAssertEqual(try run("init", "--data", countyDirectory, "--role", "county", "--code", "330127", "--name", "淳安县政务服务中心").status, 0)
        let server = try HTTPServer(configuration: .init(host: "127.0.0.1", port: 0)) { request in
            .respond(Enrollment.respond(to: request, store: try NodeStore.open(directory: countyDirectory)))
        }
        self.server = server
        let parent = "http://127.0.0.1:\(server.port)"
        let added = try run("node", "add", "--data", countyDirectory, "--code", "330127101", "--role", "township", "--name", "千岛湖镇")
        let token = try XCTUnwrap(added.json?["token"]?.stringValue)

        let childDirectory = root + "/township/data"
        let bad = try run("init", "--data", childDirectory, "--role", "township", "--code", "330127101", "--name", "千岛湖镇",
                          "--parent", parent, "--enroll", String(repeating: "0", count: 64))
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertEqual(bad.json?["error"]?.stringValue, "invalid_token", bad.stderr)
        XCTAssertTrue(bad.stderr.contains("口令无效"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/township"), "the missing directories made by init are removed")

        let joined = try run("init", "--data", childDirectory, "--role", "township", "--code", "330127101", "--name", "千岛湖镇",
                             "--parent", parent, "--enroll", token)
        XCTAssertEqual(joined.status, 0, joined.stderr)
        XCTAssertEqual(joined.json?["parent"]?["code"]?.stringValue, "330127")
        let listed = try run("node", "list", "--data", childDirectory)
        XCTAssertEqual(Set(listed.json?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []), ["330127", "330127101"])
        XCTAssertEqual(try run("verify", "--data", childDirectory).status, 0)
        XCTAssertEqual(try run("verify", "--data", countyDirectory).status, 0)
        let county = try NodeStore.open(directory: countyDirectory)
        let child = try NodeStore.open(directory: childDirectory)
        XCTAssertEqual(try county.registryEntry(of: "330127101")?.publicKey, child.identity.publicKey)
        XCTAssertEqual(try child.registryEntry(of: "330127")?.publicKey, county.identity.publicKey)

        let revoked = try run("node", "revoke", "--data", countyDirectory, "330127101", "--reason", "测试撤销")
        XCTAssertEqual(revoked.json?["revoked"], true, revoked.stderr)
        let again = root + "/again"
        let refused = try run("init", "--data", again, "--role", "township", "--code", "330127101", "--name", "千岛湖镇",
                              "--parent", parent, "--enroll", token)
        XCTAssertEqual(refused.json?["error"]?.stringValue, "revoked_node", refused.stderr)
        XCTAssertTrue(refused.stderr.contains("已被撤销"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: again))
    }
}
