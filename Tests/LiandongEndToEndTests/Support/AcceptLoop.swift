import Foundation

/// AcceptLoop is a background `/bin/sh` that keeps running `liandong case accept` on a node,
/// the way a second window (or a running server) writes while a test does something else.
/// It stops after `limit` acceptances or as soon as `stop()` is called; each failed
/// acceptance is written to a file the test reads afterwards.
final class AcceptLoop {
    let process = Process()
    let stopFile: String
    let failureFile: String

    init(node: TestNode, label: String, limit: Int, item: Item = .oldAgeAllowance) throws {
        stopFile = node.file("stop-\(label)")
        failureFile = node.file("failures-\(label)")
        let accept = TestNode.acceptArguments(item: item.code, materials: item.requiredMaterials, name: "\(label)$i")
            .map { "\"\($0)\"" }.joined(separator: " ")
        let script = """
            i=0
            while [ ! -e "\(stopFile)" ] && [ $i -lt \(limit) ]; do
              i=$((i + 1))
              "$LIANDONG" \(accept) --data "\(node.directory)" >/dev/null 2>>"\(failureFile)" || echo "acceptance $i exited $?" >>"\(failureFile)"
            done
            """
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["LIANDONG"] = try Liandong.binary()
        environment["LIANDONG_NOW"] = node.now
        environment["USER"] = "e2e"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Asks the loop to stop after the acceptance it is running, and waits for it.
    func stop() {
        _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
        process.waitUntilExit()
    }

    func wait() { process.waitUntilExit() }

    /// What failed, one line per failure; empty when every acceptance succeeded.
    var failures: String {
        String(decoding: FileManager.default.contents(atPath: failureFile) ?? Data(), as: UTF8.self)
    }

    deinit {
        if process.isRunning {
            _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
            process.waitUntilExit()
        }
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

/// BackgroundCommand is one `liandong` invocation running beside the test, with its output in files.
final class BackgroundCommand {
    let process = Process()
    let arguments: [String]
    let outPath: String
    let errPath: String

    init(node: TestNode, _ arguments: [String]) throws {
        self.arguments = arguments + ["--data", node.directory]
        let id = UUID().uuidString
        outPath = node.file("out-\(id)")
        errPath = node.file("err-\(id)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try Liandong.binary())
        process.arguments = self.arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LIANDONG_NOW"] = node.now
        environment["USER"] = "e2e"
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
    }

    func wait() -> RunResult {
        process.waitUntilExit()
        return RunResult(
            arguments: arguments, exitCode: process.terminationStatus,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}

/// SQLiteLockHolder holds a node's write lock from another connection (the sqlite3 CLI, else
/// python3's sqlite3, in a `BEGIN IMMEDIATE` that sleeps), so that liandong processes started meanwhile queue behind it.
final class SQLiteLockHolder {
    let process = Process()

    init(database: String, seconds: Int) throws {
        let locked = database + ".e2e-locked"
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [database, "BEGIN IMMEDIATE", ".shell touch '\(locked)'", ".shell sleep \(seconds)", "COMMIT"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            let script = """
                import sqlite3, sys, time
                db = sqlite3.connect(sys.argv[1], isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                open(sys.argv[2], "w").close()
                time.sleep(float(sys.argv[3]))
                db.execute("COMMIT")
                """
            process.arguments = ["python3", "-c", script, database, locked, String(seconds)]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard eventually(within: 10, { FileManager.default.fileExists(atPath: locked) }) else {
            throw E2EFailure("could not take the write lock on \(database) with sqlite3 or python3")
        }
        try? FileManager.default.removeItem(atPath: locked)
    }

    func wait() { process.waitUntilExit() }
}
