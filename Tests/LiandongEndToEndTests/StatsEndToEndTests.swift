import Foundation
import XCTest

/// `stats --json` over a handful of cases whose figures are worked out by hand.
final class StatsEndToEndTests: XCTestCase {
    /// All accepted Monday 2026-09-28:
    /// - A 高龄津贴 (due 10-16) approved 10-09: on time, early; 4 working days (09-29, 09-30, 10-08, 10-09); rated 1.
    /// - B 个体工商户 (due 10-08) approved 10-12: late; 6 working days (… 10-09, 10-10, 10-12); rated 4.
    /// - C 临时救助, supplement asked 09-29 and received 09-30 (09-30 paused, due 10-19), approved 10-16:
    ///   on time, early; 10 working days.
    /// - D 老年人优待证 (即办件) approved the same day: on time, not early; 0 working days; rated 3.
    /// - E 残疾人证 withdrawn: a case, not completed.  F refused: not counted at all.
    /// So 5 cases, 4 completed, on time 3/4, early 2/4, immediate 1/5, average (4+6+10+0)/4 = 5.0,
    /// supplement 1/5, satisfied (levels 1–3) 2 of 3 rated.
    func testStatisticsMatchFiguresWorkedOutByHand() throws {
        let node = try TestNode.county()
        let a = try node.acceptNumber(.oldAgeAllowance, name: "甲")
        let b = try node.acceptNumber(.soleProprietor, name: "乙")
        let c = try node.acceptNumber(.temporaryAssistance, name: "丙")
        let d = try node.acceptNumber(.seniorCard, name: "丁")
        let e = try node.acceptNumber(.disabilityCard, name: "戊")
        _ = try node.object("case", "refuse", "--item", Item.disabilityCard.code, "--applicant-name", "己", "--applicant-id", Applicants.id,
                            "--phone", Applicants.phone, "--reason", "不属于受理范围")

        try node.act("approve", d)
        try node.act("request-supplement", c, "--material", "hardship_proof", now: Day.at("2026-09-29"))
        try node.act("supplement", c, "--material", "hardship_proof", now: Day.at("2026-09-30"))
        try node.act("withdraw", e, "--reason", "申请人撤回", now: Day.at("2026-09-30"))
        try node.act("approve", a, now: Day.at("2026-10-09"))
        try node.act("approve", b, now: Day.at("2026-10-12"))
        try node.act("approve", c, now: Day.at("2026-10-16"))
        for (number, level) in [(a, "1"), (b, "4"), (d, "3")] {
            try node.act("issue", number, now: Day.at("2026-10-16"))
            try node.act("deliver", number, now: Day.at("2026-10-16"))
            try node.act("evaluate", number, "--level", level, now: Day.at("2026-10-16"))
        }
        XCTAssertEqual(try node.show(c)["dueDate"] as? String, "2026-10-19")
        XCTAssertEqual(try node.show(b)["deadlineStatus"] as? String, "overdue", "completed late stays overdue")

        let stats = try node.object("stats", now: Day.at("2026-10-20"))
        let overall = try XCTUnwrap(stats["overall"] as? [String: Any])
        XCTAssertEqual(overall["cases"] as? Int, 5, "the refusal is not a case handled")
        XCTAssertEqual(overall["completed"] as? Int, 4)
        XCTAssertEqual(overall["onTimeRatePermille"] as? Int, 750)
        XCTAssertEqual(overall["earlyRatePermille"] as? Int, 500)
        XCTAssertEqual(overall["immediateRatePermille"] as? Int, 200)
        XCTAssertEqual(overall["averageWorkingDaysTenths"] as? Int, 50)
        XCTAssertEqual(overall["supplementRatePermille"] as? Int, 200)
        XCTAssertEqual(overall["evaluated"] as? Int, 3)
        XCTAssertEqual(overall["satisfactionRatePermille"] as? Int, 667)
        XCTAssertEqual(overall["overdueOpen"] as? Int, 0)

        let items = try XCTUnwrap(stats["items"] as? [[String: Any]])
        XCTAssertEqual(items.compactMap { $0["item"] as? String },
                       [Item.soleProprietor.code, Item.temporaryAssistance.code, Item.oldAgeAllowance.code, Item.disabilityCard.code,
                        Item.seniorCard.code].sorted())
        let business = try XCTUnwrap(items.first { $0["item"] as? String == Item.soleProprietor.code })
        XCTAssertEqual(business["onTimeRatePermille"] as? Int, 0)
        XCTAssertEqual(business["averageWorkingDaysTenths"] as? Int, 60)
        XCTAssertEqual(business["satisfactionRatePermille"] as? Int, 0)
        let withdrawn = try XCTUnwrap(items.first { $0["item"] as? String == Item.disabilityCard.code })
        XCTAssertEqual(withdrawn["cases"] as? Int, 1)
        XCTAssertEqual(withdrawn["completed"] as? Int, 0)
        XCTAssertTrue(withdrawn["onTimeRatePermille"] is NSNull, "no rate without a completed case")

        let text = try node.run(["stats"], now: Day.at("2026-10-20"))
        XCTAssertTrue(text.stdout.contains("按时办结率") && text.stdout.contains("75.0%") && text.stdout.contains("66.7%"), text.transcript)

        let periodStats = try node.object("stats", "--from", "2026-09-29", "--to", "2026-12-31")
        XCTAssertEqual((periodStats["overall"] as? [String: Any])?["cases"] as? Int, 0, "all cases were accepted on 09-28")
    }

    func testAnOpenCasePastItsDateCountsAsOverdueOpen() throws {
        let node = try TestNode.county()
        _ = try node.acceptNumber(.soleProprietor)
        _ = try node.acceptNumber(.oldAgeAllowance, name: "王五")
        let overall = try XCTUnwrap(try node.object("stats", now: Day.at("2026-10-09"))["overall"] as? [String: Any])
        XCTAssertEqual(overall["cases"] as? Int, 2)
        XCTAssertEqual(overall["completed"] as? Int, 0)
        XCTAssertEqual(overall["overdueOpen"] as? Int, 1, "only the business licence (due 10-08) is late on 10-09")
        XCTAssertTrue(overall["onTimeRatePermille"] is NSNull)
    }
}
