import Foundation
import XCTest

/// Two processes writing one data directory at once (two windows, or the CLI beside `serve`):
/// SQLite's busy timeout serializes them and the case numbers stay unique.
final class ConcurrencyEndToEndTests: XCTestCase {
    func testTwoProcessesAcceptingAtOnceBothSucceedWithUniqueNumbers() throws {
        let node = try TestNode.county()
        let perLoop = 15
        let first = try AcceptLoop(node: node, label: "一号窗口", limit: perLoop)
        let second = try AcceptLoop(node: node, label: "二号窗口", limit: perLoop, item: .temporaryAssistance)
        first.wait()
        second.wait()
        XCTAssertEqual(first.failures, "", "first window")
        XCTAssertEqual(second.failures, "", "second window")

        let numbers = try node.listNumbers()
        XCTAssertEqual(numbers.count, 2 * perLoop)
        XCTAssertEqual(Set(numbers).count, numbers.count, "case numbers are unique")
        XCTAssertEqual(Set(numbers), Set((1...2 * perLoop).map { String(format: "330127-20260928-%04d", $0) }),
                       "and gap-free within the day")
        let rows = try node.array("case", "list")
        XCTAssertEqual(rows.filter { $0["item"] as? String == Item.oldAgeAllowance.code }.count, perLoop)
        XCTAssertEqual(rows.filter { $0["item"] as? String == Item.temporaryAssistance.code }.count, perLoop)

        let report = try node.object("verify")
        XCTAssertEqual(report["ok"] as? Bool, true, "\(report)")
        let seqs = try node.sql("SELECT count(*), min(seq), max(seq) FROM changes WHERE origin = '330127'")
        XCTAssertEqual(seqs, "\(Item.exampleCount + 1 + 2 * perLoop)|1|\(Item.exampleCount + 1 + 2 * perLoop)", "one gap-free chain")
    }
}
