import Foundation
import XCTest

/// Cluster is a county tree of real nodes in one temporary directory: each a data directory
/// driven through the built binary, and, when started, a `liandong serve` process on a free
/// loopback port. Nodes run on the real clock (no LIANDONG_NOW): their HLCs, request times and
/// long-polls must agree with each other. `shutdown()` (call it in tearDown) SIGTERMs every
/// server, SIGKILLs what is left after a grace period, and removes the directory.
final class Cluster {
    let root: String
    private(set) var nodes: [String: ClusterNode] = [:]

    static let prefix = "liandong-cluster-"

    init() throws {
        Cluster.removeClustersOfFinishedRuns()
        root = NSTemporaryDirectory() + Cluster.prefix + "\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// A test run killed before its tearDown (SIGKILL, a timeout) leaves its servers running: the
    /// next run stops the servers of clusters whose test process is gone and removes their directories.
    static func removeClustersOfFinishedRuns() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            let directory = NSTemporaryDirectory() + name
            for server in DemoProcesses.serving(under: directory + "/") {
                kill(server, SIGKILL)
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    deinit { shutdown() }

    subscript(code: String) -> ClusterNode {
        guard let node = nodes[code] else { preconditionFailure("no node \(code) in this cluster") }
        return node
    }

    /// Every process stopped, the directory removed. Idempotent.
    func shutdown() {
        for node in nodes.values {
            node.killCommands()
            node.stopServer()
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    func file(_ name: String) -> String { root + "/" + name }

    // MARK: Building the tree

    /// A county with the example catalog and the 2026 calendar, its server started.
    @discardableResult
    func county(code: String = "330106", name: String = "西湖区政务服务中心", serve: Bool = true) throws -> ClusterNode {
        let node = try add(code: code, role: "county", name: name, parent: nil)
        try node.mustRun("init", "--role", "county", "--code", code, "--name", name)
        try node.mustRun("catalog", "import", Liandong.example("catalog.json"))
        try node.mustRun("calendar", "set", Liandong.example("calendar-2026.json"))
        if serve { try node.startServer() }
        return node
    }

    /// `node add` at the parent (whose server must run), then `init --parent --enroll` at the child.
    @discardableResult
    /// `via` is the parent URL the child records instead of the parent's own (a FaultProxy in front of it).
    func enroll(code: String, role: String, name: String, under parent: ClusterNode, serve: Bool = false, via: String? = nil) throws -> ClusterNode {
        let added = try parent.object("node", "add", "--code", code, "--role", role, "--name", name)
        guard let token = added["token"] as? String else { throw E2EFailure("node add --json printed no token: \(added)") }
        let node = try add(code: code, role: role, name: name, parent: parent)
        try node.mustRun("init", "--role", role, "--code", code, "--name", name, "--parent", via ?? parent.url, "--enroll", token)
        if serve { try node.startServer() }
        return node
    }

    /// A fixed time (LIANDONG_NOW) for every command and server of the nodes added from now on,
    /// for scenarios that need days to pass; nil runs them on the real clock.
    var now: String?

    private func add(code: String, role: String, name: String, parent: ClusterNode?) throws -> ClusterNode {
        let node = ClusterNode(code: code, role: role, name: name, root: root, parent: parent)
        node.now = now
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
        nodes[code] = node
        return node
    }

    /// The standard tree: county 330106 (serving), towns 330106109 and 330106110 (serving), and
    /// villages 330106109201, 330106109202, 330106110201 (not serving: tests drive them with `sync --once`).
    func threeTiers(villagesServe: Bool = false) throws {
        let county = try self.county()
        let sandun = try enroll(code: "330106109", role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let shuangpu = try enroll(code: "330106110", role: "township", name: "双浦镇便民服务中心", under: county, serve: true)
        try enroll(code: "330106109201", role: "village", name: "绕城村代办点", under: sandun, serve: villagesServe)
        try enroll(code: "330106109202", role: "village", name: "兰里村代办点", under: sandun, serve: villagesServe)
        try enroll(code: "330106110201", role: "village", name: "铜鉴湖村代办点", under: shuangpu, serve: villagesServe)
    }

    // MARK: Looking across nodes

    /// Waits until `condition` holds, failing the test with `message` after `seconds`.
    func waitUntil(_ message: @autoclosure () -> String, within seconds: Double = 60, file: StaticString = #filePath, line: UInt = #line,
                   _ condition: () throws -> Bool) throws {
        if try eventually(within: seconds, condition) { return }
        let logs = nodes.values.compactMap { $0.server == nil ? nil : "\($0.code): \($0.logTail(6))" }.joined(separator: "\n")
        throw E2EFailure("waited \(Int(seconds)) s: \(message())\nserver logs:\n\(logs)")
    }
}

/// ClusterNode is one node of a Cluster.
final class ClusterNode {
    let code: String
    let role: String
    let name: String
    let directory: String
    let logPath: String
    let parent: ClusterNode?
    private(set) var port = 0
    private(set) var server: Spawned?
    /// LIANDONG_NOW for its commands and its server (Cluster.now); nil is the real clock.
    var now: String?
    /// Commands started with `background`, killed at shutdown if still running.
    private var commands: [Spawned] = []

    init(code: String, role: String, name: String, root: String, parent: ClusterNode?) {
        self.code = code
        self.role = role
        self.name = name
        self.directory = root + "/" + code
        self.logPath = root + "/logs/" + code + ".log"
        self.parent = parent
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var databasePath: String { directory + "/liandong.sqlite" }

    // MARK: Commands

    /// `liandong ARGS --data DIR` on the real clock, or at `now` when set.
    func run(_ arguments: [String]) throws -> RunResult {
        try Liandong.run(arguments + ["--data", directory], now: now)
    }

    func run(_ arguments: String...) throws -> RunResult { try run(arguments) }

    @discardableResult
    func mustRun(_ arguments: String...) throws -> RunResult {
        let result = try run(arguments)
        guard result.succeeded else { throw E2EFailure("command failed at \(code)\n\(result.transcript)") }
        return result
    }

    func object(_ arguments: String...) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        guard result.succeeded else { throw E2EFailure("command failed at \(code)\n\(result.transcript)") }
        return try result.object()
    }

    /// `sync --once --json`, which must succeed.
    @discardableResult
    func syncOnce() throws -> [String: Any] { try object("sync", "--once") }

    /// `case show --json`, or nil when this node does not hold the case.
    func caseAt(_ number: String) throws -> [String: Any]? {
        let result = try run("case", "show", number, "--json")
        if result.succeeded { return try result.object() }
        if (try? result.object())?["error"] as? String == "case_not_found" { return nil }
        throw E2EFailure("case show failed at \(code)\n\(result.transcript)")
    }

    func stateHash(_ number: String) throws -> String? { try caseAt(number)?["stateHash"] as? String }

    func verifyClean() throws -> Bool {
        let result = try run("verify", "--json")
        return result.succeeded && (try? result.object())?["ok"] as? Bool == true
    }

    // MARK: The database, read from outside

    @discardableResult
    func sql(_ statement: String) throws -> String { try SQLite.run(statement, on: databasePath) }

    func count(_ statement: String) throws -> Int { Int(try sql(statement)) ?? -1 }

    /// How many changes this node holds from `origin`.
    func changeCount(origin: String) throws -> Int {
        try count("SELECT count(*) FROM changes WHERE origin = '\(origin)'")
    }

    /// The head of `origin`'s chain here: "seq:hash", or "" when none is held.
    func head(of origin: String) throws -> String {
        try sql("SELECT seq || ':' || hex(hash) FROM changes WHERE origin = '\(origin)' ORDER BY seq DESC LIMIT 1")
    }

    /// Whether `origin`'s chain held here runs 1…n without a gap.
    func chainIsContiguous(origin: String) throws -> Bool {
        try sql("SELECT count(*) = coalesce(max(seq), 0) FROM changes WHERE origin = '\(origin)'") == "1"
    }

    func caseNumbers() throws -> [String] {
        try sql("SELECT number FROM cases ORDER BY number").split(separator: "\n").map(String.init)
    }

    // MARK: The server

    /// Starts `liandong serve` on a free port (or, with `samePort`, on the port it had, which its
    /// children have recorded as their parent's URL) and waits for `/healthz` to name this node.
    func startServer(samePort: Bool = false) throws {
        precondition(server == nil, "server of \(code) already running")
        var lastLog = ""
        for _ in 0..<3 {
            if !samePort || port == 0 { port = try FreePort.pick() }
            let process = try Spawned([try Liandong.binary(), "serve", "--data", directory, "--listen", "127.0.0.1:\(port)"],
                                      executable: try Liandong.binary(), log: logPath, environment: now.map { ["LIANDONG_NOW": $0] } ?? [:])
            server = process
            let healthy = eventually(within: 30) {
                guard process.isRunning else { return true }
                return HTTPProbe.get(port: port, path: "/healthz")?.body.contains("\"\(code)\"") == true
            }
            if healthy, process.isRunning { return }
            lastLog = logTail(10)
            stopServer()
        }
        throw E2EFailure("liandong serve for \(code) did not become healthy\n\(lastLog)")
    }

    /// `liandong ARGS --data DIR --json` started in the background, its output appended to the log.
    func background(_ arguments: [String]) throws -> Spawned {
        let process = try Spawned(arguments + ["--data", directory, "--json"], log: logPath)
        commands.append(process)
        return process
    }

    /// Kills every background command still running.
    func killCommands() {
        for process in commands { process.killNow() }
        commands.removeAll()
    }

    /// SIGTERM, up to 10 s to finish, then SIGKILL.
    func stopServer() {
        server?.stop()
        server = nil
    }

    /// SIGKILL, no grace: a power cut.
    func killServer() {
        server?.killNow()
        server = nil
    }

    func logTail(_ lines: Int) -> String {
        String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
            .split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// FreePort asks the kernel for a loopback port nobody listens on (bind to port 0, read it, close).
enum FreePort {
    static func pick() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw E2EFailure("socket() failed: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw E2EFailure("bind to 127.0.0.1:0 failed: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// HTTPProbe is a plain HTTP/1.0 request over a loopback socket: enough to ask /healthz
/// without linking the client under test.
enum HTTPProbe {
    static func get(port: Int, path: String) -> (status: Int, body: String)? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n").first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, body)
    }
}
