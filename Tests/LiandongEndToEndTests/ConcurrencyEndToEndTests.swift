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
        // The county's own registration, the catalog, the calendar, then the cases.
        XCTAssertEqual(seqs, "\(1 + Item.exampleCount + 1 + 2 * perLoop)|1|\(1 + Item.exampleCount + 1 + 2 * perLoop)", "one gap-free chain")
        // Each process made its change after seeing the one before it in the chain, so it must sort after it
        // (DESIGN §5), even though LIANDONG_NOW holds the physical clock still.
        let outOfOrder = try node.sql("""
            SELECT count(*) FROM changes a JOIN changes b ON b.origin = a.origin AND b.seq = a.seq + 1 WHERE b.hlc <= a.hlc
            """)
        XCTAssertEqual(outOfOrder, "0", "HLCs rise with seq across the two processes")
    }

    /// Two windows act on one case while a third connection holds the write lock, so both have read
    /// the case as accepted before either may write: exactly one decision may stand.
    func testTwoProcessesActingOnOneCaseCannotBothSucceed() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        let lock = try SQLiteLockHolder(database: node.databasePath, seconds: 1)
        let approve = try BackgroundCommand(node: node, ["case", "approve", number, "--json"])
        let withdraw = try BackgroundCommand(node: node, ["case", "withdraw", number, "--reason", "申请人撤回", "--json"])
        lock.wait()
        let results = [approve.wait(), withdraw.wait()]
        XCTAssertEqual(results.filter(\.succeeded).count, 1, results.map(\.transcript).joined(separator: "\n"))
        let loser = try XCTUnwrap(results.first { !$0.succeeded })
        XCTAssertEqual(try loser.object()["error"] as? String, "transition_not_allowed", loser.transcript)

        let state = try node.show(number)["state"] as? String
        XCTAssertTrue(state == "approved" || state == "withdrawn", "\(state ?? "nil")")
        XCTAssertEqual(try node.object("verify")["ok"] as? Bool, true, "the stored state is the replay of the log")
        XCTAssertEqual(try node.array("conflicts", "list").count, 0)
    }
}
