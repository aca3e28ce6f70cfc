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
