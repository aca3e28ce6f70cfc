import Foundation
import XCTest

/// The deadline board (`case list --deadline due_soon|overdue`) as LIANDONG_NOW moves through the
/// 2026 calendar. Every expected date is counted by hand: the acceptance day does not count,
/// 中秋 (09-25–27) and 国庆 (10-01–07) are skipped, the make-up Saturday 10-10 counts.
final class DeadlineEndToEndTests: XCTestCase {
    func testDueSoonAndOverdueMembershipAsTheDaysPass() throws {
        let node = try TestNode.county()
        // All accepted on Monday 2026-09-28.
        let allowance = try node.acceptNumber(.oldAgeAllowance)  // 10 working days: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 … 10-16
        let business = try node.acceptNumber(.soleProprietor)  // 3 working days: 09-29, 09-30, 10-08
        let disability = try node.acceptNumber(.disabilityCard)  // 15 working days: … 10-16, 10-19 … 10-23
        let immediateOpen = try node.acceptNumber(.seniorCard, name: "孙丽")  // 即办件 left open: due 09-28
        let immediateDone = try node.acceptNumber(.seniorCard, name: "钱芳")
        try node.act("approve", immediateDone)

        XCTAssertEqual(try node.show(allowance)["dueDate"] as? String, "2026-10-16")
        XCTAssertEqual(try node.show(business)["dueDate"] as? String, "2026-10-08")
        XCTAssertEqual(try node.show(disability)["dueDate"] as? String, "2026-10-23")

        func board(_ date: String) throws -> (dueSoon: Set<String>, overdue: Set<String>, onTime: Set<String>) {
            let now = Day.at(date)
            return (Set(try node.listNumbers("--deadline", "due_soon", now: now)),
                    Set(try node.listNumbers("--deadline", "overdue", now: now)),
                    Set(try node.listNumbers("--deadline", "on_time", now: now)))
        }

        // 09-29: the business licence has 2 working days left (09-30, 10-08).
        var day = try board("2026-09-29")
        XCTAssertEqual(day.dueSoon, [business])
        XCTAssertEqual(day.overdue, [immediateOpen])
        XCTAssertEqual(day.onTime, [allowance, disability], "a completed case is on no deadline list")

        // 10-05, inside 国庆: only 10-08 is left for the business licence.
        day = try board("2026-10-05")
        XCTAssertEqual(day.dueSoon, [business])

        // 10-09: the business licence is one day late.
        day = try board("2026-10-09")
        XCTAssertEqual(day.dueSoon, [])
        XCTAssertEqual(day.overdue, [business, immediateOpen])

        // 10-12: 4 working days left for the allowance (10-13 … 10-16): still on time.
        day = try board("2026-10-12")
        XCTAssertEqual(day.dueSoon, [])
        XCTAssertTrue(day.onTime.contains(allowance))

        // 10-13: 3 left: due soon.
        day = try board("2026-10-13")
        XCTAssertEqual(day.dueSoon, [allowance])
        XCTAssertEqual(day.onTime, [disability])

        // 10-16: the due date itself is still due soon, not overdue.
        day = try board("2026-10-16")
        XCTAssertEqual(day.dueSoon, [allowance])

        // 10-17 (Saturday): the allowance is overdue.
        day = try board("2026-10-17")
        XCTAssertEqual(day.overdue, [allowance, business, immediateOpen])

        // 10-20: the disability card has 3 left (10-21, 10-22, 10-23).
        day = try board("2026-10-20")
        XCTAssertEqual(day.dueSoon, [disability])
        XCTAssertEqual(try node.status(now: Day.at("2026-10-20"))["overdue"] as? Int, 3)

        // 10-26: everything open is late.
        day = try board("2026-10-26")
        XCTAssertEqual(day.overdue, [allowance, business, disability, immediateOpen])
        XCTAssertEqual(day.dueSoon, [])

        let text = try node.run(["case", "list", "--deadline", "overdue"], now: Day.at("2026-10-26"))
        XCTAssertTrue(text.stdout.contains("超期") && text.stdout.contains(business), text.transcript)
        let bad = try node.failing("case", "list", "--deadline", "late")
        XCTAssertEqual(try bad.object()["error"] as? String, "usage")
    }

    /// 3 working days (09-29, 09-30, 10-08) and a 2-day extension (10-09, then the make-up Saturday 10-10).
    func testADueDateOnTheMakeUpSaturdayIsOverdueOnTheSundayAfter() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.soleProprietor)
        let extended = try node.act("extend", number, "--days", "2", "--reason", "需补充核查经营场所", now: Day.at("2026-09-30"))
        XCTAssertEqual(extended["dueDate"] as? String, "2026-10-10", "a Saturday, but a working day in 2026")
        XCTAssertEqual(try node.show(number, now: Day.at("2026-10-10"))["deadlineStatus"] as? String, "due_soon")
        XCTAssertEqual(try node.listNumbers("--deadline", "due_soon", now: Day.at("2026-10-10")), [number])
        XCTAssertEqual(try node.show(number, now: Day.at("2026-10-11"))["deadlineStatus"] as? String, "overdue")
        XCTAssertEqual(try node.listNumbers("--deadline", "overdue", now: Day.at("2026-10-11")), [number])
    }

    func testASupplementRequestPausesTheClockAndMovesTheDueDate() throws {
        let node = try TestNode.county()
        let paused = try node.acceptNumber(.temporaryAssistance)  // supplement pauses the clock
        let unpaused = try node.acceptNumber(.oldAgeAllowance, name: "吴刚")  // supplement does not pause it
        XCTAssertEqual(try node.show(paused)["dueDate"] as? String, "2026-10-16")

        try node.act("request-supplement", paused, "--material", "hardship_proof", now: Day.at("2026-10-12"))
        try node.act("request-supplement", unpaused, "--material", "bank_account", now: Day.at("2026-10-12"))

        // While the request is open each day paused pushes the date: 10-13 is not counted.
        let waiting = try node.show(paused, now: Day.at("2026-10-13"))
        XCTAssertEqual(waiting["state"] as? String, "awaiting_supplement")
        XCTAssertEqual(waiting["clockPaused"] as? Bool, true)
        XCTAssertEqual(waiting["dueDate"] as? String, "2026-10-19")
        // By Friday 10-16 four working days (10-13 … 10-16) are paused: due 10-22, four left, on time.
        let friday = try node.show(paused, now: Day.at("2026-10-16"))
        XCTAssertEqual(friday["dueDate"] as? String, "2026-10-22")
        XCTAssertEqual(friday["deadlineStatus"] as? String, "on_time")
        XCTAssertEqual(try node.show(unpaused, now: Day.at("2026-10-16"))["dueDate"] as? String, "2026-10-16",
                       "高龄津贴 does not pause for a supplement")

        // The material comes in on 10-14 (recorded then): 10-13 and 10-14 are not counted, due 10-20.
        let supplied = try node.act("supplement", paused, "--material", "hardship_proof", now: Day.at("2026-10-14"))
        XCTAssertEqual(supplied["state"] as? String, "accepted")
        XCTAssertEqual(supplied["dueDate"] as? String, "2026-10-20")
        try node.act("supplement", unpaused, "--material", "bank_account", now: Day.at("2026-10-14"))

        XCTAssertEqual(try node.show(paused, now: Day.at("2026-10-19"))["dueDate"] as? String, "2026-10-20")
        XCTAssertEqual(Set(try node.listNumbers("--deadline", "due_soon", now: Day.at("2026-10-19"))), [paused])
        XCTAssertEqual(Set(try node.listNumbers("--deadline", "overdue", now: Day.at("2026-10-19"))), [unpaused])
        XCTAssertEqual(Set(try node.listNumbers("--deadline", "overdue", now: Day.at("2026-10-21"))), [paused, unpaused])
    }
}
