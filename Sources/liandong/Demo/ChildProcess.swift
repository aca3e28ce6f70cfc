import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// ChildProcess is one process the demo started with posix_spawn: stdin from /dev/null, stdout
/// and stderr to files (never pipes, so a chatty child can never block), the termination
/// signals at their defaults even though the demo itself handles them.
///
/// Reaping is under a lock because the signal handler's clean-up and the story's waits may
/// both ask for the exit status.
final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    enum Exit: Equatable, CustomStringConvertible {
        case code(Int32)
        case signal(Int32)

        var description: String {
            switch self {
            case .code(let code): return "退出码 \(code)"
            case .signal(let signal): return "被信号 \(signal) 终止"
            }
        }
    }

    let pid: pid_t
    let label: String
    let stdoutPath: String
    let stderrPath: String
    private let lock = NSLock()
    private var exit: Exit?

    private init(pid: pid_t, label: String, stdoutPath: String, stderrPath: String) {
        self.pid = pid
        self.label = label
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Starts `executable` with `arguments`; `stdoutPath` may equal `stderrPath` (one log file).
    static func spawn(
        label: String, executable: String, arguments: [String], environment: [String: String],
        stdoutPath: String, stderrPath: String
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if stderrPath == stdoutPath {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The demo ignores SIGINT/SIGTERM/SIGHUP to handle them on a queue; an ignored signal is
        // inherited across exec, so the child gets them back at their defaults, with nothing blocked.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        // Its own process group: Ctrl-C at the terminal reaches the demo alone, which then stops
        // every node itself (SIGTERM, grace, SIGKILL) instead of racing their exits.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw DemoFailure("无法启动 \(executable)（\(label)）：\(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, label: label, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// The exit status if the child has ended (reaping it), nil while it runs.
    func poll() -> Exit? {
        lock.lock()
        defer { lock.unlock() }
        if let exit { return exit }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            let signal = status & 0x7f
            exit = signal == 0 ? .code((status >> 8) & 0xff) : .signal(signal)
        } else if result < 0, errno == ECHILD {
            exit = .code(-1)
        }
        return exit
    }

    var isRunning: Bool { poll() == nil }

    /// Waits until the child ends or `seconds` pass; nil when it is still running.
    @discardableResult
    func wait(seconds: Double) -> Exit? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let exit = poll() { return exit }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// Waits as long as it takes (a CLI command; the supervisor kills it on shutdown).
    func waitForExit() -> Exit {
        while true {
            if let exit = poll() { return exit }
            usleep(5_000)
        }
    }

    /// Sends `signal` unless the child has already been reaped (its pid may be reused).
    func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if exit == nil { kill(pid, signal) }
    }

    var stdoutText: String { ChildProcess.read(stdoutPath) }
    var stderrText: String { ChildProcess.read(stderrPath) }

    static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// The last `count` lines of a file, for failure reports.
    static func tail(_ path: String, lines count: Int) -> String {
        read(path).split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
    }
}

/// DemoFailure is a step of the demo that did not happen: a Chinese sentence saying what did not arrive or failed.
struct DemoFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
