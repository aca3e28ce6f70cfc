import Foundation

/// Spawned is the built binary started with posix_spawn and reaped with waitpid by the test
/// itself: a test that SIGKILLs it must not depend on Foundation's SIGCHLD monitoring, which
/// once left such a child a zombie and `waitUntilExit` waiting forever.
final class Spawned {
    let pid: pid_t
    private var status: Int32?

    /// Starts `liandong ARGS` on the real clock; stdout and stderr appended to `log` (or discarded).
    convenience init(_ arguments: [String], log: String? = nil) throws {
        let executable = try Liandong.binary()
        try self.init([executable] + arguments, executable: executable, log: log)
    }

    /// Starts `executable` with `argv` (argv[0] included), `environment` added to this process's.
    init(_ argv: [String], executable: String, log: String? = nil, environment extra: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LIANDONG_NOW")
        environment["USER"] = "e2e"
        environment.merge(extra) { _, new in new }
        let argv = argv.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw E2EFailure("posix_spawn \(executable) failed: \(result)") }
        self.pid = pid
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = wait(seconds: 10)
        }
    }

    var isRunning: Bool { reap() == nil }

    /// The raw wait status once the process has ended (reaping it), nil while it runs.
    private func reap() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
        return status
    }

    /// Waits up to `seconds`; the exit code (128+signal when a signal ended it), nil if still running.
    func wait(seconds: Double) -> Int32? {
        guard eventually(within: seconds, { reap() != nil }), let raw = status else { return nil }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    func send(_ signal: Int32) { if isRunning { kill(pid, signal) } }

    /// SIGTERM, up to `grace` seconds, then SIGKILL; waits until it is reaped.
    func stop(grace: Double = 10) {
        send(SIGTERM)
        if wait(seconds: grace) == nil {
            send(SIGKILL)
            _ = wait(seconds: 30)
        }
    }

    /// SIGKILL, no grace: a power cut.
    func killNow() {
        send(SIGKILL)
        _ = wait(seconds: 30)
    }
}
