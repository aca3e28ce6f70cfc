import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// ProcessSupervisor owns every process the demo starts and the temporary directory they use,
/// and makes sure none outlives the demo: on success, on failure, and on SIGINT/SIGTERM/SIGHUP.
/// Stopping is SIGTERM to all, a grace period, then SIGKILL to stragglers, then the directory goes.
final class ProcessSupervisor: @unchecked Sendable {
    let executable: String
    let environment: [String: String]
    /// Removed at shutdown unless `keepDirectory`.
    let directory: String
    let keepDirectory: Bool
    private let lock = NSLock()
    private var children: [ChildProcess] = []
    private var stopping = false
    private var finished = false
    private var signalSources: [DispatchSourceSignal] = []
    private var signalled: Int32?
    /// Held for the whole of `shutdown`, so that a second caller returns only once the first has finished.
    private let shutdownLock = NSLock()

    /// The signal that is stopping the demo, if one is.
    var interruption: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return signalled
    }

    /// After a signal, whichever thread finishes the clean-up first ends the process with 128+signal.
    func exitIfInterrupted() {
        if let signal = interruption { _exit(128 + signal) }
    }

    init(directory: String, keepDirectory: Bool) {
        self.executable = ProcessSupervisor.currentExecutable()
        var environment = ProcessInfo.processInfo.environment
        // The nodes run on the real clock: a fixed LIANDONG_NOW would freeze their HLCs.
        environment.removeValue(forKey: "LIANDONG_NOW")
        self.environment = environment
        self.directory = directory
        self.keepDirectory = keepDirectory
    }

    /// A demo killed with SIGKILL cannot stop its nodes: the next demo stops the servers whose data
    /// directory is under `<tmp>/<prefix><pid>/` of a demo process that is gone, and removes that directory.
    static func removeLeftovers(temporary: String, prefix: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let directory = temporary + "/" + name
            for server in servers(under: directory + "/") { kill(server, SIGKILL) }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Pids of `liandong serve --data DIR` processes whose DIR starts with `prefix` (from /proc).
    static func servers(under prefix: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains("serve"), let index = arguments.firstIndex(of: "--data"), index + 1 < arguments.count,
                  arguments[index + 1].hasPrefix(prefix) else { return nil }
            return pid
        }
    }

    /// This very binary (/proc/self/exe resolved), so that every node runs the same build.
    static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments[0]
    }

    /// Starts `liandong ARGS`, tracked until it is reaped by `stopAll`.
    func start(label: String, arguments: [String], stdoutPath: String, stderrPath: String) throws -> ChildProcess {
        lock.lock()
        defer { lock.unlock() }
        guard !stopping else { throw DemoFailure("演示正在停止，不再启动新进程") }
        let child = try ChildProcess.spawn(
            label: label, executable: executable, arguments: arguments, environment: environment,
            stdoutPath: stdoutPath, stderrPath: stderrPath)
        children.append(child)
        return child
    }

    /// Forgets a child that has ended and been read (a finished CLI command).
    func release(_ child: ChildProcess) {
        lock.lock()
        defer { lock.unlock() }
        children.removeAll { $0 === child }
    }

    /// SIGTERM one child, wait up to `grace` seconds, then SIGKILL it.
    @discardableResult
    func stop(_ child: ChildProcess, grace: Double = 5) -> ChildProcess.Exit {
        child.send(SIGTERM)
        if let exit = child.wait(seconds: grace) { return exit }
        child.send(SIGKILL)
        return child.waitForExit()
    }

    /// Stops every child (SIGTERM all, one shared grace period, SIGKILL the rest) and removes the
    /// directory unless kept. Safe to call more than once and from the signal queue.
    func shutdown(grace: Double = 5) {
        shutdownLock.lock()
        defer { shutdownLock.unlock() }
        lock.lock()
        stopping = true
        if finished {
            lock.unlock()
            return
        }
        finished = true
        let running = children
        children.removeAll()
        lock.unlock()

        for child in running { child.send(SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        for child in running {
            if child.wait(seconds: max(0, deadline.timeIntervalSinceNow)) == nil {
                child.send(SIGKILL)
                _ = child.waitForExit()
            }
        }
        if !keepDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Handles SIGINT, SIGTERM and SIGHUP on a queue: stop everything, say so, exit 128+signal.
    func installSignalHandlers() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                let first = signalled == nil
                if first { signalled = signalNumber }
                lock.unlock()
                guard first else { return }
                Console.stderr("\n收到信号 \(signalNumber)，正在停止全部节点进程…\n")
                shutdown(grace: 3)
                Console.stderr(keepDirectory ? "已停止；数据目录保留在 \(directory)\n" : "已停止全部节点进程，临时目录已删除\n")
                _exit(128 + signalNumber)
            }
            source.resume()
            lock.lock()
            signalSources.append(source)
            lock.unlock()
        }
    }
}
