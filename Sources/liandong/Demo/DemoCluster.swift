import Foundation
import LiandongDomain
import LiandongSync
#if canImport(Glibc)
import Glibc
#endif

/// DemoCluster runs the demo's nodes as separate `liandong serve` processes and drives them
/// only through the command line, as staff at each tier would: every step is a `liandong`
/// command on that node's data directory while its server runs.
final class DemoCluster {
    let supervisor: ProcessSupervisor
    let nodes: [DemoNode]
    let started = Date()
    /// How long a wait for something to arrive lasts before the demo gives up.
    let deadline: Double
    /// Steps are printed as they happen unless the demo prints one JSON summary.
    let printSteps: Bool
    private(set) var steps: [JSONValue] = []
    private var commandCount = 0

    init(supervisor: ProcessSupervisor, nodes: [DemoNode], deadline: Double, printSteps: Bool) {
        self.supervisor = supervisor
        self.nodes = nodes
        self.deadline = deadline
        self.printSteps = printSteps
    }

    var root: String { supervisor.directory }
    var elapsedMillis: Int64 { Int64(Date().timeIntervalSince(started) * 1000) }

    func node(_ code: String) -> DemoNode {
        guard let node = nodes.first(where: { $0.code == code }) else { preconditionFailure("no demo node \(code)") }
        return node
    }

    /// Prints one step: elapsed time, the node, what happened.
    func say(_ node: DemoNode?, _ text: String) {
        let millis = elapsedMillis
        steps.append(["atMs": .int(millis), "node": .optional(node?.code), "text": .string(text)])
        guard printSteps else { return }
        let seconds = String(format: "%6.1f", Double(millis) / 1000)
        Console.stdout("[+\(seconds)s] " + (node.map { "\($0.label) " } ?? "") + text + "\n")
    }

    // MARK: Running liandong commands

    /// What one `liandong` command did.
    struct Outcome {
        let exit: ChildProcess.Exit
        let stdout: String
        let stderr: String
        var succeeded: Bool { exit == .code(0) }
        var json: JSONValue? { try? JSONParser.parse(stdout) }
        /// The error code of a failed `--json` command.
        var errorCode: String? { json?["error"]?.stringValue }
        var message: String {
            json?["message"]?.stringValue ?? stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Runs `liandong ARGS --data DIR --json` for a node and waits for it.
    func attempt(_ node: DemoNode, _ arguments: [String], json: Bool = true) throws -> Outcome {
        commandCount += 1
        let base = root + "/logs/cmd-\(commandCount)"
        let child = try supervisor.start(
            label: "\(node.code) \(arguments.first ?? "")", arguments: arguments + ["--data", node.directory] + (json ? ["--json"] : []),
            stdoutPath: base + ".out", stderrPath: base + ".err")
        let exit = child.waitForExit()
        supervisor.release(child)
        let outcome = Outcome(exit: exit, stdout: child.stdoutText, stderr: child.stderrText)
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
        return outcome
    }

    /// Runs a command that must succeed and returns its JSON output.
    @discardableResult
    func run(_ node: DemoNode, _ arguments: [String]) throws -> JSONValue {
        let outcome = try attempt(node, arguments)
        guard outcome.succeeded else {
            throw DemoFailure("\(node.label) 执行 liandong \(arguments.joined(separator: " ")) 失败（\(outcome.exit)）：\(outcome.message)")
        }
        guard let json = outcome.json else {
            throw DemoFailure("\(node.label) 执行 liandong \(arguments.joined(separator: " ")) 的输出不是 JSON：\(outcome.stdout.prefix(200))")
        }
        return json
    }

    // MARK: Servers

    /// A port on 127.0.0.1 that nothing listens on right now (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw DemoFailure("无法创建套接字：\(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw DemoFailure("无法在 127.0.0.1 上分配端口：\(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw DemoFailure("无法读取分配的端口：\(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Picks the node's port (before `init` of a child, which may record it).
    func assignPort(_ node: DemoNode) throws {
        node.port = try DemoCluster.freePort()
    }

    /// Starts `liandong serve` for the node and waits until `/healthz` answers for it. A port
    /// taken between the pick and the bind costs a retry on another port, not the demo.
    func startServer(_ node: DemoNode) throws {
        var lastFailure = ""
        for attempt in 1...3 {
            if attempt > 1 || node.port == 0 { try assignPort(node) }
            let server = try supervisor.start(
                label: "serve \(node.code)", arguments: ["serve", "--data", node.directory, "--listen", node.listen],
                stdoutPath: node.logPath, stderrPath: node.logPath)
            node.server = server
            let client = try HTTPClient(configuration: .init(connectTimeout: .seconds(1), timeout: .seconds(3)))
            let until = Date().addingTimeInterval(deadline)
            while Date() < until {
                if let exit = server.poll() {
                    lastFailure = "serve 进程已退出（\(exit)）：\(ChildProcess.tail(node.logPath, lines: 5))"
                    break
                }
                if let response = try? client.perform(HTTPRequest(url: node.url + "/healthz")), response.status == 200,
                   let health = try? JSONParser.parse(response.body), health["node"]?.stringValue == node.code {
                    return
                }
                usleep(100_000)
            }
            if server.isRunning {
                supervisor.stop(server)
                throw DemoFailure("等待超时（\(Int(deadline)) 秒）：\(node.label) 的 /healthz 没有应答（\(node.url)）。日志末尾：\n\(ChildProcess.tail(node.logPath, lines: 10))")
            }
        }
        throw DemoFailure("\(node.label) 的 serve 启动失败：\(lastFailure)")
    }

    /// Fails at once when a node's server has died, rather than waiting out the deadline.
    func checkServersAlive() throws {
        for node in nodes {
            guard let server = node.server, let exit = server.poll() else { continue }
            throw DemoFailure("\(node.label) 的 serve 进程意外退出（\(exit)）。日志末尾：\n\(ChildProcess.tail(node.logPath, lines: 10))")
        }
    }

    // MARK: Waiting for what travels

    /// Polls `condition` every 200 ms until it holds; after the deadline fails with
    /// 「等待超时（30 秒）：WHAT」, naming what did not arrive.
    func waitUntil(_ what: @autoclosure () -> String, _ condition: () throws -> Bool) throws {
        let until = Date().addingTimeInterval(deadline)
        while true {
            try checkServersAlive()
            if try condition() { return }
            if Date() >= until { throw DemoFailure("等待超时（\(Int(deadline)) 秒）：\(what())") }
            usleep(200_000)
        }
    }

    /// The case as the node holds it (`case show --json`), or nil when the node does not hold it.
    func caseAt(_ node: DemoNode, _ number: String) throws -> JSONValue? {
        let outcome = try attempt(node, ["case", "show", number])
        if outcome.succeeded { return outcome.json }
        if outcome.errorCode == "case_not_found" { return nil }
        throw DemoFailure("\(node.label) 查看办件 \(number) 失败（\(outcome.exit)）：\(outcome.message)")
    }

    /// Waits until the node holds the case in `state` (and, when given, with `check` true of it).
    @discardableResult
    func waitForCase(
        _ node: DemoNode, _ number: String, state: String, what: String, check: (JSONValue) -> Bool = { _ in true }
    ) throws -> JSONValue {
        var found: JSONValue?
        try waitUntil("\(node.label) 未收到办件 \(number) 的\(what)（期望状态 \(state)）") {
            guard let view = try caseAt(node, number), view["state"]?.stringValue == state, check(view) else { return false }
            found = view
            return true
        }
        return found ?? .null
    }

    /// Stops every server and removes the directory (unless kept).
    func shutdown() {
        supervisor.shutdown()
    }
}
