import Foundation
import XCTest

/// `liandong node add|list|revoke` and `init --parent --enroll`, through the built binary.
final class NodeEndToEndTests: XCTestCase {
    private let township = "330127101"

    func testNodeAddPrintsAOneTimeTokenAndTheChildsInitLine() throws {
        let county = try TestNode.county()
        let added = try county.object("node", "add", "--code", township, "--role", "township", "--name", "千岛湖镇便民服务中心")
        let token = try XCTUnwrap(added["token"] as? String)
        XCTAssertEqual(token.count, 64)
        XCTAssertEqual(added["code"] as? String, township)
        XCTAssertNotNil(added["expiresAt"] as? String)
        let command = try XCTUnwrap(added["command"] as? String)
        XCTAssertTrue(command.hasPrefix("liandong init --data "), command)
        for part in ["--role township", "--code \(township)", "--name 千岛湖镇便民服务中心", "--parent ", "--enroll \(token)"] {
            XCTAssertTrue(command.contains(part), "\(part) in \(command)")
        }
        XCTAssertEqual(try county.sql("SELECT count(*) FROM enrollment_tokens WHERE hex(token_hash) = upper('\(token)')"), "0",
                       "the token itself is not stored")

        let text = try county.run("node", "add", "--code", township, "--role", "township", "--name", "千岛湖镇 便民服务中心", "--ttl-hours", "2")
        XCTAssertEqual(text.exitCode, 0, text.transcript)
        XCTAssertTrue(text.stdout.contains("一次性加入口令") && text.stdout.contains("liandong init"), text.transcript)
        XCTAssertTrue(text.stdout.contains("--name '千岛湖镇 便民服务中心'"), "a name with a space is quoted for the shell\n\(text.transcript)")
        XCTAssertEqual(try county.sql("SELECT count(*) FROM enrollment_tokens"), "1", "the second token replaced the first")
    }

    func testNodeAddRefusesWhatIsNotAChild() throws {
        let county = try TestNode.county()
        let outside = try county.failing("node", "add", "--code", "330128101", "--role", "township", "--name", "邻县的镇")
        XCTAssertEqual(try outside.object()["error"] as? String, "not_a_child", outside.transcript)
        XCTAssertTrue(outside.stderr.contains("辖区"), outside.transcript)
        let mismatch = try county.failing("node", "add", "--code", township, "--role", "village", "--name", "某村")
        XCTAssertEqual(try mismatch.object()["error"] as? String, "invalid_code", mismatch.transcript)
        let ttl = try county.failing("node", "add", "--code", township, "--role", "township", "--name", "某镇", "--ttl-hours", "0")
        XCTAssertEqual(ttl.exitCode, 2, ttl.transcript)
    }

    func testNodeListShowsTheRegistryAndPendingTokens() throws {
        let county = try TestNode.county()
        _ = try county.object("node", "add", "--code", township, "--role", "township", "--name", "千岛湖镇")
        let rows = try county.array("node", "list")
        XCTAssertEqual(rows.map { $0["code"] as? String }, [PreparedCounty.code, township])
        let root = rows[0]
        XCTAssertEqual(root["status"] as? String, "registered")
        XCTAssertEqual(root["self"] as? Bool, true)
        XCTAssertEqual(root["revoked"] as? Bool, false)
        XCTAssertEqual((root["publicKey"] as? String)?.count, 64)
        XCTAssertNotNil(root["registeredAt"] as? String, "registered by init, in the log")
        XCTAssertTrue(root.keys.contains("lastContact") && root.keys.contains("lagSeconds"))
        XCTAssertEqual(rows[1]["status"] as? String, "pending")

        let text = try county.run("node", "list")
        XCTAssertEqual(text.exitCode, 0, text.transcript)
        XCTAssertTrue(text.stdout.contains("本节点") && text.stdout.contains("待加入") && text.stdout.contains("—"), text.transcript)
        XCTAssertEqual(try county.run("verify").exitCode, 0, "the registry matches the log")
    }

    func testNodeRevokeCancelsATokenAndRefusesSelfAndStrangers() throws {
        let county = try TestNode.county()
        _ = try county.object("node", "add", "--code", township, "--role", "township", "--name", "千岛湖镇")
        let cancelled = try county.object("node", "revoke", township, "--reason", "不再设点")
        XCTAssertEqual(cancelled["tokenCancelled"] as? Bool, true)
        XCTAssertEqual(try county.array("node", "list").count, 1)

        let own = try county.failing("node", "revoke", PreparedCounty.code)
        XCTAssertEqual(try own.object()["error"] as? String, "cannot_revoke_self", own.transcript)
        let unknown = try county.failing("node", "revoke", "330127102")
        XCTAssertEqual(try unknown.object()["error"] as? String, "not_found", unknown.transcript)
        let usage = try county.failing("node", "revoke")
        XCTAssertEqual(usage.exitCode, 2, usage.transcript)
    }

    func testInitEnrollAgainstAnUnreachableParentLeavesNothing() throws {
        let node = try TestNode()
        let result = try node.failing("init", "--role", "township", "--code", township, "--name", "千岛湖镇",
                                      "--parent", "http://127.0.0.1:\(unusedPort())", "--enroll", String(repeating: "a", count: 64))
        XCTAssertEqual(try result.object()["error"] as? String, "parent_unreachable", result.transcript)
        XCTAssertTrue(result.stderr.contains("加入上级失败"), result.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.directory), "no directory left behind\n\(result.transcript)")

        let url = try node.failing("init", "--role", "township", "--code", township, "--name", "千岛湖镇", "--parent", "ftp://x", "--enroll", "t")
        XCTAssertEqual(try url.object()["error"] as? String, "invalid_parent_url", url.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.directory))

        let text = try node.run("init", "--role", "township", "--code", township, "--name", "千岛湖镇",
                                "--parent", "http://127.0.0.1:\(unusedPort())", "--enroll", "t")
        XCTAssertNotEqual(text.exitCode, 0)
        XCTAssertTrue(text.stderr.contains("错误：") && text.stdout.isEmpty, text.transcript)

        // The same directory works once the parent is right: nothing stuck half-initialized.
        _ = try node.object("init", "--role", "township", "--code", township, "--name", "千岛湖镇")
    }

    func testInitEnrollNeedsAParentAndIsNotForACounty() throws {
        let node = try TestNode()
        let noParent = try node.failing("init", "--role", "township", "--code", township, "--name", "某镇", "--enroll", "t")
        XCTAssertEqual(noParent.exitCode, 2, noParent.transcript)
        let county = try node.failing("init", "--role", "county", "--code", "330127", "--name", "县", "--parent", "http://127.0.0.1:1", "--enroll", "t")
        XCTAssertEqual(try county.object()["error"] as? String, "invalid_role", county.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.directory))
    }

    /// The whole enrollment against a served county: a bad token leaves nothing, a good one
    /// joins, and once revoked the node cannot join again.
    func testInitEnrollAgainstAServedCounty() throws {
        let county = try TestNode.county()
        let port = unusedPort()
        let server = try Served(county, listen: "127.0.0.1:\(port)")
        defer { server.stop() }
        let parent = "http://127.0.0.1:\(port)"

        let added = try county.object("node", "add", "--code", township, "--role", "township", "--name", "千岛湖镇")
        let token = try XCTUnwrap(added["token"] as? String)
        let child = try TestNode()
        let bad = try child.failing("init", "--role", "township", "--code", township, "--name", "千岛湖镇", "--parent", parent,
                                    "--enroll", String(repeating: "0", count: 64))
        XCTAssertEqual(try bad.object()["error"] as? String, "invalid_token", bad.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: child.directory), "no directory left behind")

        let joined = try child.object("init", "--role", "township", "--code", township, "--name", "千岛湖镇", "--parent", parent, "--enroll", token)
        XCTAssertEqual((joined["parent"] as? [String: Any])?["code"] as? String, PreparedCounty.code)
        let registry = try child.array("node", "list")
        XCTAssertEqual(Set(registry.compactMap { $0["code"] as? String }), [PreparedCounty.code, township])
        let atCounty = try county.array("node", "list").first { $0["code"] as? String == township }
        XCTAssertEqual(atCounty?["status"] as? String, "registered")

        let revoked = try county.object("node", "revoke", township, "--reason", "测试撤销")
        XCTAssertEqual(revoked["revoked"] as? Bool, true)
        let again = try TestNode()
        let refused = try again.failing("init", "--role", "township", "--code", township, "--name", "千岛湖镇", "--parent", parent, "--enroll", token)
        XCTAssertEqual(try refused.object()["error"] as? String, "revoked_node", refused.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: again.directory))
    }
}

/// Served is `liandong serve` running in the background for one test, stopped by its own pid.
private final class Served {
    let process = Process()

    init(_ node: TestNode, listen: String) throws {
        process.executableURL = URL(fileURLWithPath: try Liandong.binary())
        process.arguments = ["serve", "--data", node.directory, "--listen", listen]
        // The server keeps the test's clock: the token `node add` made expires by that clock.
        var environment = ProcessInfo.processInfo.environment
        environment["LIANDONG_NOW"] = node.now
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let port = Int(listen.split(separator: ":").last ?? "") ?? 0
        let deadline = Date().addingTimeInterval(20)
        while !canConnect(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw E2EFailure("liandong serve did not start listening on \(listen)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read back, then released).
func unusedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length)
            return getsockname(fd, $0, &length)
        }
    }
    return Int(in_port_t(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
private func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port)).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
