import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreStatsTests: NodeStoreTestCase {
    /// Eight applications on Monday 2 March 2026; the relief item is promised in 10 working days (due 16 March).
    ///
    ///     A relief   approved Thu 5 Mar   3 working days, early      rated 1 非常满意
    ///     B relief   approved Mon 16 Mar 10 working days, on the day rated 3 基本满意
    ///     C relief   approved Fri 20 Mar 14 working days, late
    ///     D elder    approved Mon 2 Mar   0 working days, immediate  rated 4 不满意
    ///     E relief   supplement requested, still paused: open, not overdue
    ///     G relief   open and past its due date on Wed 25 Mar
    ///     H relief   withdrawn Tue 3 Mar: counted, not completed
    ///     F relief   refused at the window: not a case handled
    private func playTheMonth(_ store: NodeStore) throws {
        let a = try store.accept().number
        let b = try store.accept().number
        let c = try store.accept().number
        let d = try store.accept(Items.elderCard).number
        let e = try store.accept().number
        _ = try store.accept().number  // G
        let h = try store.accept().number
        _ = try store.acceptCase(AcceptRequest(itemCode: Items.relief, applicant: People.li, materials: [], actor: "窗口-李", refusalReasons: ["非本县户籍"]))

        try store.approveAndDeliver(d)
        try store.act(on: d, .evaluate, payload: ["level": 4], actor: "窗口-李")
        try store.act(on: e, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        clock.set("2026-03-03")
        try store.act(on: h, .withdraw, payload: ["reason": "不再申请"], actor: "窗口-李")
        clock.set("2026-03-05")
        try store.approveAndDeliver(a)
        try store.act(on: a, .evaluate, payload: ["level": 1], actor: "窗口-李")
        clock.set("2026-03-16")
        try store.approveAndDeliver(b)
        try store.act(on: b, .evaluate, payload: ["level": 3], actor: "窗口-李")
        clock.set("2026-03-20")
        try store.act(on: c, .approve, payload: [:], actor: "审批员-王")
        clock.set("2026-03-25")
    }

    func testRefusalsNoticesAndFollowUpsAreCountedAndABackwardPeriodIsAnError() throws {
        let store = try makeCounty()
        try playTheMonth(store)
        _ = try store.issueOneTimeNotice(AcceptRequest(itemCode: Items.relief, applicant: People.li, materials: [], actor: "窗口-李"))
        let report = try store.statistics()
        XCTAssertEqual(report.overall.refused, 1)
        XCTAssertEqual(report.overall.oneTimeNotices, 1)
        XCTAssertEqual(report.overall.followUps, 1, "D was rated 不满意")
        XCTAssertEqual(report.overall.followUpsClosedOnTime, 0)
        XCTAssertEqual(report.perNode.map(\.code), [NodeStoreTestCase.countyCode])
        XCTAssertEqual(report.perNode.first?.stats.cases, 7)
        XCTAssertEqual(report.perItem.first { $0.code == Items.relief }?.stats.oneTimeNotices, 1)
        XCTAssertThrowsError(try store.statistics(from: LocalDate(iso: "2026-03-09"), to: LocalDate(iso: "2026-03-01"))) { error in
            XCTAssertEqual((error as? StoreError)?.code, "invalid_period")
        }
    }

    func testRatesAreComputedAsByHand() throws {
        let store = try makeCounty()
        try playTheMonth(store)
        let stats = try store.statistics().overall
        XCTAssertEqual(stats.cases, 7, "the refusal is not counted")
        XCTAssertEqual(stats.completed, 4)
        XCTAssertEqual(stats.completedOnTime, 3)
        XCTAssertEqual(stats.completedEarly, 1)
        XCTAssertEqual(stats.immediate, 1)
        XCTAssertEqual(stats.workingDaysTotal, 3 + 10 + 14 + 0)
        XCTAssertEqual(stats.withSupplement, 1)
        XCTAssertEqual(stats.evaluated, 3)
        XCTAssertEqual(stats.satisfied, 2)
        XCTAssertEqual(stats.overdueOpen, 1)

        let json = stats.json
        XCTAssertEqual(json["onTimeRatePermille"], 750)  // 3 of 4
        XCTAssertEqual(json["earlyRatePermille"], 250)  // 1 of 4
        XCTAssertEqual(json["immediateRatePermille"], 143)  // 1 of 7 = 142.86
        XCTAssertEqual(json["supplementRatePermille"], 143)
        XCTAssertEqual(json["satisfactionRatePermille"], 667)  // 2 of 3 = 666.67
        XCTAssertEqual(json["averageWorkingDaysTenths"], 68)  // 27 / 4 = 6.75
        XCTAssertEqual(json["cases"], 7)
        XCTAssertEqual(json["overdueOpen"], 1)
    }

    func testSettledCasesKeepTheirFiguresAndACalendarChangeRecountsThem() throws {
        let store = try makeCounty()
        try playTheMonth(store)
        // Every case keeps its figures but E, whose clock is paused for a supplement (counted live); G is open and overdue.
        XCTAssertEqual(try store.db.scalarInt("SELECT count(*) FROM case_figures"), 7)
        XCTAssertEqual(try store.statistics().overall.overdueOpen, 1)
        XCTAssertEqual(try store.statistics().overall.workingDaysTotal, 27)
        // Tuesday 10 March becomes a holiday: B (decided on the 16th) was due the 17th, so early; C took 13 working days.
        try store.setCalendarYear(["year": 2026, "holidays": ["2026-03-10"], "workdays": []], actor: "admin")
        let recounted = try store.statistics().overall
        XCTAssertEqual(recounted.workingDaysTotal, 3 + 9 + 13 + 0)
        XCTAssertEqual(recounted.completedEarly, 2)
        XCTAssertTrue(try store.verify().isClean, "the kept figures are those the replay gives on the new calendar")
        // A figure edited by hand is found.
        try store.db.run("UPDATE case_figures SET completed_on_time = 0 WHERE completed_on_time = 1")
        XCTAssertEqual(Set(try store.verify().problems.map(\.code)), ["figures_mismatch"])
    }

    func testStatisticsPerItem() throws {
        let store = try makeCounty()
        try playTheMonth(store)
        let perItem = try store.statistics().perItem
        XCTAssertEqual(perItem.map(\.code), [Items.relief, Items.elderCard].sorted())
        let relief = try XCTUnwrap(perItem.first { $0.code == Items.relief })
        XCTAssertEqual(relief.name, "临时救助申请")
        XCTAssertEqual(relief.stats.cases, 6)
        XCTAssertEqual(relief.stats.completed, 3)
        XCTAssertEqual(relief.stats.completedOnTime, 2)
        XCTAssertEqual(relief.stats.json["averageWorkingDaysTenths"], 90)  // 27 / 3
        let elder = try XCTUnwrap(perItem.first { $0.code == Items.elderCard })
        XCTAssertEqual(elder.stats.cases, 1)
        XCTAssertEqual(elder.stats.immediate, 1)
        XCTAssertEqual(elder.stats.json["satisfactionRatePermille"], 0)
    }

    func testStatisticsOfAnEmptyStoreHaveNoRates() throws {
        let store = try makeCounty()
        let json = try store.statistics().overall.json
        XCTAssertEqual(json["cases"], 0)
        XCTAssertEqual(json["onTimeRatePermille"], .null, "no completed case: no rate, not 0%")
        XCTAssertEqual(json["satisfactionRatePermille"], .null)
        XCTAssertEqual(json["averageWorkingDaysTenths"], .null)
    }

    func testStatisticsCountOnlyCasesAcceptedInThePeriod() throws {
        let store = try makeCounty()
        try store.accept()
        clock.set("2026-03-09")
        try store.accept()
        try store.accept(Items.elderCard)
        let march9 = LocalDate(iso: "2026-03-09")
        XCTAssertEqual(try store.statistics(from: march9).overall.cases, 2)
        XCTAssertEqual(try store.statistics(to: LocalDate(iso: "2026-03-08")).overall.cases, 1)
        XCTAssertEqual(try store.statistics(from: march9, to: march9).overall.immediate, 1)
        XCTAssertEqual(try store.statistics(from: LocalDate(iso: "2026-04-01")).overall.cases, 0)
    }
}
