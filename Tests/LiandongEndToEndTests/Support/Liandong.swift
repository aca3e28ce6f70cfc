import Foundation

/// E2EFailure is a problem with the test harness itself (no binary, a subprocess that could not
/// start, output that is not JSON): it fails the test with a message saying what to do.
struct E2EFailure: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// RunResult is what one invocation of the built binary did: its exit status and its output.
struct RunResult: Sendable {
    let arguments: [String]
    let exitCode: Int32
    let stdout: String
    let stderr: String

    var succeeded: Bool { exitCode == 0 }

    /// The whole invocation, for assertion messages.
    var transcript: String {
        "liandong \(arguments.joined(separator: " ")) → exit \(exitCode)\nstdout: \(stdout)\nstderr: \(stderr)"
    }

    /// stdout parsed with JSONSerialization (one JSON document, as `--json` promises).
    func json() throws -> Any {
        guard let data = stdout.data(using: .utf8), !data.isEmpty else { throw E2EFailure("empty stdout, expected JSON\n\(transcript)") }
        do {
            return try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw E2EFailure("stdout is not valid JSON (\(error))\n\(transcript)")
        }
    }

    func object() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else { throw E2EFailure("stdout is not a JSON object\n\(transcript)") }
        return object
    }

    func array() throws -> [[String: Any]] {
        guard let array = try json() as? [[String: Any]] else { throw E2EFailure("stdout is not a JSON array of objects\n\(transcript)") }
        return array
    }
}

/// Liandong finds the built binary and runs it as a subprocess.
enum Liandong {
    /// The package root, three levels above this file (Tests/LiandongEndToEndTests/Support/).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) -> String {
        packageRoot.appendingPathComponent("Deploy/examples/\(name)").path
    }

    /// `LIANDONG_BIN`, else `<package root>/.build/debug/liandong`; an error saying how to build it when missing.
    static func binary() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["LIANDONG_BIN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot.appendingPathComponent(".build/debug/liandong").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw E2EFailure("""
                The end-to-end tests run the built liandong binary, and there is none at \(path).
                Build it first (`swift build` in \(packageRoot.path)), or set LIANDONG_BIN to the binary's path.
                """)
        }
        return path
    }

    /// Runs `liandong ARGS` with LIANDONG_NOW set (when given) and waits for it, at most `limit`
    /// seconds: a command that does not exit by then is killed and the test fails naming it, so a
    /// hang costs one test, never the whole run.
    /// Output goes to temporary files rather than pipes, so a large output can never block the child.
    static func run(_ arguments: [String], now: String?, extraEnvironment: [String: String] = [:], limit: Double = 300) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LIANDONG_NOW"] = now
        environment["USER"] = "e2e"
        for (key, value) in extraEnvironment { environment[key] = value }
        process.environment = environment
        let outPath = NSTemporaryDirectory() + "liandong-e2e-out-\(UUID().uuidString)"
        let errPath = NSTemporaryDirectory() + "liandong-e2e-err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath) else {
            throw E2EFailure("cannot open temporary output files in \(NSTemporaryDirectory())")
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw E2EFailure("cannot start \(process.executableURL?.path ?? "liandong"): \(error)")
        }
        let finished = exited.wait(timeout: .now() + limit) == .success
        if !finished {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? out.close()
        try? err.close()
        let stdout = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        guard finished else {
            throw E2EFailure("liandong \(arguments.joined(separator: " ")) did not exit within \(Int(limit)) s and was killed\n\(stdout)\n\(stderr)")
        }
        return RunResult(arguments: arguments, exitCode: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Runs the built binary; a free function so that tests read like the command line.
func runLiandong(_ arguments: String..., now: String? = TestNode.defaultNow) throws -> RunResult {
    try Liandong.run(arguments, now: now)
}
