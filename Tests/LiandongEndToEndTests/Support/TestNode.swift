import Foundation
import XCTest

/// TestNode is one node's data directory in a fresh temporary directory, driven only through the
/// built binary. Every command it runs gets `--data DIR` and `LIANDONG_NOW`; the directory is
/// removed when the node goes away.
final class TestNode {
    /// The moment commands run at unless a test says otherwise: Monday 28 September 2026, the day
    /// before the 中秋/国庆 stretch of the 2026 calendar.
    static let defaultNow = "2026-09-28T09:00:00+08:00"

    let root: String
    let directory: String
    var now: String

    /// An empty directory; `init` has not run.
    init(now: String = TestNode.defaultNow) throws {
        root = NSTemporaryDirectory() + "liandong-e2e-\(UUID().uuidString)"
        directory = root + "/node"
        self.now = now
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// A county node (330127, 淳安县) with the example catalog and the 2026 calendar, copied from a
    /// template made once per test run, so that tests share the set-up cost but not the database.
    static func county(now: String = TestNode.defaultNow) throws -> TestNode {
        let template = try PreparedCounty.template.get()
        let node = try TestNode(now: now)
        try FileManager.default.copyItem(atPath: template, toPath: node.directory)
        return node
    }

    /// A path inside this node's temporary root (not inside the data directory).
    func file(_ name: String) -> String { root + "/" + name }

    // MARK: Running commands

    /// `liandong ARGS --data DIR` at `now` (this node's clock unless given).
    func run(_ arguments: [String], now: String? = nil) throws -> RunResult {
        try Liandong.run(arguments + ["--data", directory], now: now ?? self.now)
    }

    func run(_ arguments: String..., now: String? = nil) throws -> RunResult {
        try run(arguments, now: now)
    }

    /// Runs a command with `--json` that must succeed, and returns its stdout parsed.
    func json(_ arguments: [String], now: String? = nil) throws -> Any {
        let result = try run(arguments + ["--json"], now: now)
        guard result.succeeded else { throw E2EFailure("command failed\n\(result.transcript)") }
        return try result.json()
    }

    func object(_ arguments: String..., now: String? = nil) throws -> [String: Any] {
        guard let object = try json(arguments, now: now) as? [String: Any] else {
            throw E2EFailure("expected a JSON object from liandong \(arguments.joined(separator: " "))")
        }
        return object
    }

    func array(_ arguments: String..., now: String? = nil) throws -> [[String: Any]] {
        guard let array = try json(arguments, now: now) as? [[String: Any]] else {
            throw E2EFailure("expected a JSON array from liandong \(arguments.joined(separator: " "))")
        }
        return array
    }

    /// Runs a command with `--json` that must fail; returns the result for the test to inspect.
    func failing(_ arguments: String..., now: String? = nil) throws -> RunResult {
        try failing(arguments, now: now)
    }

    func failing(_ arguments: [String], now: String? = nil) throws -> RunResult {
        let result = try run(arguments + ["--json"], now: now)
        guard !result.succeeded else { throw E2EFailure("command unexpectedly succeeded\n\(result.transcript)") }
        return result
    }

    // MARK: Cases

    /// The arguments of `case accept` for an applicant; materials as given.
    static func acceptArguments(
        item: String, materials: [String], name: String = Applicants.name, id: String = Applicants.id,
        phone: String = Applicants.phone, extra: [String] = []
    ) -> [String] {
        ["case", "accept", "--item", item, "--applicant-name", name, "--applicant-id", id, "--phone", phone]
            + materials.flatMap { ["--material", $0] } + extra
    }

    /// Accepts a case with all required materials (or those given) and returns `case accept --json`.
    @discardableResult
    func accept(
        _ item: Item, materials: [String]? = nil, name: String = Applicants.name, id: String = Applicants.id,
        phone: String = Applicants.phone, extra: [String] = [], now: String? = nil
    ) throws -> [String: Any] {
        let arguments = TestNode.acceptArguments(
            item: item.code, materials: materials ?? item.requiredMaterials, name: name, id: id, phone: phone, extra: extra)
        guard let object = try json(arguments, now: now) as? [String: Any] else { throw E2EFailure("case accept printed no object") }
        return object
    }

    /// Accepts a case and returns its number.
    func acceptNumber(_ item: Item, materials: [String]? = nil, name: String = Applicants.name, now: String? = nil) throws -> String {
        let accepted = try accept(item, materials: materials, name: name, now: now)
        guard let number = accepted["number"] as? String else { throw E2EFailure("case accept printed no number: \(accepted)") }
        return number
    }

    /// `case VERB NUMBER ARGS --json`, which must succeed; returns the case as printed.
    @discardableResult
    func act(_ verb: String, _ number: String, _ arguments: String..., now: String? = nil) throws -> [String: Any] {
        guard let object = try json(["case", verb, number] + arguments, now: now) as? [String: Any] else {
            throw E2EFailure("case \(verb) printed no object")
        }
        return object
    }

    func show(_ number: String, now: String? = nil) throws -> [String: Any] {
        try object("case", "show", number, now: now)
    }

    /// The numbers `case list --json ARGS` prints.
    func listNumbers(_ arguments: String..., now: String? = nil) throws -> [String] {
        let rows = try json(["case", "list"] + arguments, now: now) as? [[String: Any]] ?? []
        return rows.compactMap { $0["number"] as? String }
    }

    /// `status --json`.
    func status(now: String? = nil) throws -> [String: Any] { try object("status", now: now) }

    /// The number of cases `status` reports.
    func caseCount() throws -> Int {
        guard let count = try status()["cases"] as? Int else { throw E2EFailure("status --json has no cases count") }
        return count
    }

    // MARK: The database behind liandong's back

    var databasePath: String { directory + "/liandong.sqlite" }

    /// Runs SQL on the node's database with the sqlite3 CLI (or python3's sqlite3 when the CLI is absent).
    @discardableResult
    func sql(_ statement: String) throws -> String {
        try SQLite.run(statement, on: databasePath)
    }
}

/// PreparedCounty is the template county directory: init, example catalog, 2026 calendar.
enum PreparedCounty {
    static let code = "330127"
    static let template: Result<String, E2EFailure> = {
        removeTemplatesOfFinishedRuns()
        let root = NSTemporaryDirectory() + "liandong-e2e-template-\(getpid())"
        let directory = root + "/county"
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "liandong-e2e-template-\(getpid())") }
        let now = "2026-09-01T08:30:00+08:00"
        let steps: [[String]] = [
            ["init", "--data", directory, "--role", "county", "--code", code, "--name", "淳安县政务服务中心"],
            ["catalog", "import", "--data", directory, Liandong.example("catalog.json")],
            ["calendar", "set", "--data", directory, Liandong.example("calendar-2026.json")],
        ]
        for step in steps {
            do {
                let result = try Liandong.run(step, now: now)
                guard result.succeeded else { return .failure(E2EFailure("preparing the template county failed\n\(result.transcript)")) }
            } catch let error as E2EFailure {
                return .failure(error)
            } catch {
                return .failure(E2EFailure("preparing the template county failed: \(error)"))
            }
        }
        return .success(directory)
    }()
}

/// Removes the templates of test runs whose process is gone (a run that did not reach its atexit).
private func removeTemplatesOfFinishedRuns() {
    let prefix = "liandong-e2e-template-"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
    for name in names where name.hasPrefix(prefix) {
        guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
        try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + name)
    }
}

/// SQLite runs SQL on a database file from outside liandong, as an administrator might.
enum SQLite {
    static func run(_ statement: String, on path: String) throws -> String {
        let process = Process()
        let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if let sqlite3 {
            process.executableURL = URL(fileURLWithPath: sqlite3)
            process.arguments = ["-bail", path, statement]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            let script = """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                rows = db.execute(sys.argv[2]).fetchall()
                db.commit()
                for row in rows: print("|".join("" if v is None else str(v) for v in row))
                """
            process.arguments = ["python3", "-c", script, path, statement]
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw E2EFailure("SQL failed on \(path): \(statement)\n\(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
