import Foundation
import XCTest

/// `--json`: every command that prints gives exactly one valid JSON document on stdout, and every
/// failure gives `{"error": CODE, "message": …}` on stdout and a Chinese message on stderr.
final class JSONOutputEndToEndTests: XCTestCase {
    func testEveryPrintingCommandGivesOneJSONDocument() throws {
        let fresh = try TestNode()
        let initialized = try fresh.run("init", "--role", "village", "--code", "330127101201", "--name", "文昌村", "--json")
        XCTAssertEqual(initialized.exitCode, 0, initialized.transcript)
        XCTAssertTrue(try initialized.json() is [String: Any])

        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        let backup = node.file("backup.sqlite")
        let commands: [[String]] = [
            ["catalog", "import", Liandong.example("catalog.json")],
            ["catalog", "list"],
            ["catalog", "show", Item.oldAgeAllowance.code],
            ["calendar", "set", Liandong.example("calendar-2026.json")],
            ["calendar", "show"],
            ["calendar", "show", "--year", "2026"],
            TestNode.acceptArguments(item: Item.seniorCard.code, materials: Item.seniorCard.requiredMaterials),
            ["case", "refuse", "--item", Item.seniorCard.code, "--applicant-name", "某某", "--applicant-id", Applicants.id,
             "--phone", Applicants.phone, "--reason", "不符合条件"],
            ["case", "show", number],
            ["case", "list"],
            ["case", "list", "--open", "--state", "accepted", "--item", Item.oldAgeAllowance.code, "--deadline", "on_time"],
            ["case", "update-contact", number, "--phone", "13900001111"],
            ["case", "review", number, "--opinion", "同意"],
            ["case", "request-supplement", number, "--material", "bank_account"],
            ["case", "supplement", number, "--material", "bank_account"],
            ["case", "extend", number, "--reason", "需核实"],
            ["case", "special-start", number, "--procedure", "site_inspection", "--reason", "现场核实"],
            ["case", "special-end", number],
            ["case", "approve", number],
            ["case", "issue", number],
            ["case", "deliver", number],
            ["case", "evaluate", number, "--level", "5"],
            ["case", "follow-up", number, "--result", "已整改"],
            ["conflicts", "list"],
            ["quarantine", "list"],
            ["quarantine", "retry", "--all"],
            ["status"],
            ["stats"],
            ["stats", "--from", "2026-01-01", "--to", "2026-12-31"],
            ["verify"],
            ["backup", "--to", backup],
            ["restore", "--from", backup],
        ]
        for command in commands {
            let result = try node.run(command + ["--json"])
            XCTAssertEqual(result.exitCode, 0, result.transcript)
            let document = try result.json()
            XCTAssertTrue(document is [String: Any] || document is [Any], result.transcript)
            XCTAssertEqual(result.stderr, "", "nothing on stderr when it works: \(result.transcript)")
        }
        let version = try runLiandong("version", "--json")
        XCTAssertEqual(version.exitCode, 0)
        XCTAssertEqual(try version.object()["version"] as? String, try runLiandong("version").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "liandong ", with: ""))
    }

    func testEveryFailureGivesAnErrorCodeAndAMessage() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        let commands: [(arguments: [String], code: String)] = [
            (["frobnicate"], "usage"),
            (["catalog"], "usage"),
            (["catalog", "show", "nope"], "unknown_item"),
            (["catalog", "import", node.file("missing.json")], "file_not_found"),
            (["calendar", "show", "--year", "2031"], "calendar_year_not_set"),
            (["case", "show", "330127-20990101-0001"], "case_not_found"),
            (["case", "list", "--state", "lost"], "usage"),
            (["case", "deliver", number], "transition_not_allowed"),
            (["case", "request-supplement", number], "usage"),
            (["case", "request-supplement", number, "--material", "passport"], "invalid_payload"),
            (["case", "extend", number, "--reason", "x", "--days", "ten"], "usage"),
            (["case", "approve", number, "extra-argument"], "usage"),
            (["stats", "--from", "2026/01/01"], "usage"),
            (["quarantine", "retry", "330127001201#9"], "not_quarantined"),
            (["quarantine", "retry", "330127001201-9"], "usage"),
            (["restore", "--from", node.file("missing.sqlite")], "backup_not_found"),
            (["init", "--role", "county", "--code", "330127", "--name", "淳安县"], "already_initialized"),
        ]
        for command in commands {
            let result = try node.run(command.arguments + ["--json"])
            XCTAssertNotEqual(result.exitCode, 0, result.transcript)
            let error = try result.object()
            XCTAssertEqual(error["error"] as? String, command.code, result.transcript)
            let message = try XCTUnwrap(error["message"] as? String, result.transcript)
            XCTAssertTrue(message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "a Chinese message: \(message)")
            XCTAssertTrue(result.stderr.hasPrefix("错误："), result.transcript)

            let plain = try node.run(command.arguments)
            XCTAssertEqual(plain.exitCode, result.exitCode, "the same exit without --json: \(plain.transcript)")
            XCTAssertEqual(plain.stdout, "", "without --json an error prints nothing on stdout: \(plain.transcript)")
            XCTAssertTrue(plain.stderr.hasPrefix("错误："), plain.transcript)
        }
    }
}
