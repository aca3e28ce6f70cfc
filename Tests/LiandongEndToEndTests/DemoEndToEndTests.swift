import Foundation
import XCTest

/// `liandong demo`: six processes play the story and agree; nothing is left behind, even when the
/// demo is stopped with SIGTERM halfway. `demo --single` and `help` print JSON with `--json`.
final class DemoEndToEndTests: XCTestCase {
    func testThreeTierDemoAgreesEverywhereAndLeavesNothingBehind() throws {
        let result = try Liandong.run(["demo", "--json"], now: nil)
        XCTAssertEqual(result.exitCode, 0, result.transcript)
        let summary = try result.object()
        XCTAssertEqual(summary["ok"] as? Bool, true)
        XCTAssertEqual((summary["nodes"] as? [[String: Any]])?.count, 6)
        let cases = summary["cases"] as? [[String: Any]] ?? []
        XCTAssertEqual(cases.count, 3)
        for entry in cases {
            XCTAssertEqual(entry["agree"] as? Bool, true, "\(entry)")
            let hashes = entry["stateHashes"] as? [String: String] ?? [:]
            XCTAssertEqual(hashes.count, 3, "village, town and county hold \(entry["number"] ?? "?")")
            XCTAssertEqual(Set(hashes.values).count, 1)
        }
        let verified = summary["verify"] as? [[String: Any]] ?? []
        XCTAssertEqual(verified.count, 6)
        XCTAssertTrue(verified.allSatisfy { $0["ok"] as? Bool == true }, "\(verified)")
        let directory = try XCTUnwrap(summary["directory"] as? String)
        XCTAssertEqual(DemoProcesses.serving(under: directory + "/"), [], "no serve process of the demo is left")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory), "the temporary directory is removed")
    }

    func testDemoStoppedWithSIGTERMStopsEveryNodeAndRemovesItsDirectory() throws {
        try assertStoppingTheDemo(with: SIGTERM)
    }

    func testDemoInterruptedWithSIGINTStopsEveryNodeAndRemovesItsDirectory() throws {
        try assertStoppingTheDemo(with: SIGINT)
    }

    /// Starts `liandong demo`, waits until some of its nodes serve, sends `signal`, and checks that
    /// the demo ends with 128+signal, no node process is left and the directory is gone.
    func assertStoppingTheDemo(with signal: Int32, file: StaticString = #filePath, line: UInt = #line) throws {
        let demo = try Spawned(["demo"])
        let directory = NSTemporaryDirectory() + "liandong-demo-\(demo.pid)"
        defer {
            demo.send(SIGKILL)
            for pid in DemoProcesses.serving(under: directory + "/") { kill(pid, SIGKILL) }
        }
        let someRunning = eventually(within: 60) { DemoProcesses.serving(under: directory + "/").count >= 3 || !demo.isRunning }
        XCTAssertTrue(someRunning && demo.isRunning, "the demo started its nodes", file: file, line: line)
        demo.send(signal)
        XCTAssertEqual(demo.wait(seconds: 30), 128 + signal, "the demo stops on signal \(signal)", file: file, line: line)
        XCTAssertEqual(DemoProcesses.serving(under: directory + "/"), [], "every node process is gone", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory), "the temporary directory is removed", file: file, line: line)
    }

    func testTheNodesOfADemoKilledWithSIGKILLAreStoppedByTheNextDemo() throws {
        let demo = try Spawned(["demo"])
        let directory = NSTemporaryDirectory() + "liandong-demo-\(demo.pid)"
        defer { for pid in DemoProcesses.serving(under: directory + "/") { kill(pid, SIGKILL) } }
        XCTAssertTrue(eventually(within: 60) { DemoProcesses.serving(under: directory + "/").count >= 3 || !demo.isRunning })
        demo.send(SIGKILL)
        XCTAssertEqual(demo.wait(seconds: 30), 128 + SIGKILL)
        XCTAssertFalse(DemoProcesses.serving(under: directory + "/").isEmpty, "a SIGKILLed demo cannot stop its nodes")

        let next = try Liandong.run(["demo", "--json"], now: nil)
        XCTAssertEqual(next.exitCode, 0, next.transcript)
        XCTAssertEqual(DemoProcesses.serving(under: directory + "/"), [], "the next demo stopped them")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory), "and removed their directory")
    }

    func testSingleNodeDemoPrintsOneJSONSummary() throws {
        let result = try Liandong.run(["demo", "--single", "--json", "--examples", Liandong.packageRoot.path + "/Deploy/examples"], now: nil)
        XCTAssertEqual(result.exitCode, 0, result.transcript)
        let summary = try result.object()
        XCTAssertEqual(summary["ok"] as? Bool, true)
        XCTAssertEqual(summary["mode"] as? String, "single")
        XCTAssertGreaterThan((summary["steps"] as? [Any])?.count ?? 0, 10)
    }

    func testHelpPrintsJSON() throws {
        let help = try Liandong.run(["help", "--json"], now: nil)
        XCTAssertEqual(help.exitCode, 0)
        let object = try help.object()
        let commands = object["commands"] as? [String] ?? []
        for command in ["init", "case", "demo", "verify"] { XCTAssertTrue(commands.contains(command), "\(command) in \(commands)") }
        XCTAssertFalse(commands.contains("0.1.0"))
        XCTAssertNotNil(object["version"] as? String)
    }
}

/// DemoProcesses finds `liandong serve` processes of a demo by their command line in /proc.
enum DemoProcesses {
    /// Pids of `liandong … serve --data DIR` processes whose data directory is under `prefix`.
    static func serving(under prefix: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains("serve"), let index = arguments.firstIndex(of: "--data"), index + 1 < arguments.count,
                  arguments[index + 1].hasPrefix(prefix) else { return nil }
            return pid
        }.sorted()
    }
}
