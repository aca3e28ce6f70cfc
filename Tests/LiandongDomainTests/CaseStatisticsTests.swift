import LiandongDomain
import XCTest

/// The statistics definitions (DESIGN §8), judged on plain values: a case's stored state and clock.
final class CaseStatisticsTests: XCTestCase {
    let calendar = WorkingCalendar.weekdaysOnly
    var deadlines: DeadlineClock { DeadlineClock(calendar: calendar) }

    /// A clock accepted on Monday 2026-03-02 with 5 working days promised (due Monday 2026-03-09).
    func clock(completedOn: String? = nil, immediate: Bool = false) -> CaseClock {
        CaseClock(json: [
            "acceptedOn": "2026-03-02", "promisedLimit": ["days": 5, "unit": "working"], "legalLimit": ["days": 20, "unit": "working"],
            "immediate": .bool(immediate), "extensionDays": 0, "pauses": [], "completedOn": completedOn.map { .string($0) } ?? .null,
        ])!
    }

    func figures(_ state: JSONValue, _ clock: CaseClock, refused: Bool = false, today: String = "2026-03-20") -> CaseStatistics {
        CaseStatistics.figures(CaseFacts(state: state), clock: clock, refused: refused, calendar: calendar, deadlines: deadlines, today: LocalDate(iso: today)!)
    }

    func testARefusalIsCountedAsARefusalNotAsACaseHandled() {
        let stats = figures(["acceptedOn": "2026-03-02"], clock(), refused: true)
        XCTAssertEqual(stats.refused, 1)
        XCTAssertEqual(stats.cases, 0)
        XCTAssertEqual(stats.overdueOpen, 0, "a refused case has no deadline")
    }

    func testADecisionBeforeItsDueDateIsOnTimeAndEarly() {
        let stats = figures(["decision": ["approved": true]], clock(completedOn: "2026-03-05"))
        XCTAssertEqual([stats.cases, stats.completed, stats.completedOnTime, stats.completedEarly, stats.denied], [1, 1, 1, 1, 0])
        XCTAssertEqual(stats.workingDaysTotal, 3)
        let onTheDay = figures(["decision": ["approved": false]], clock(completedOn: "2026-03-09"))
        XCTAssertEqual([onTheDay.completedOnTime, onTheDay.completedEarly, onTheDay.denied], [1, 0, 1], "on the due day: on time, not early")
        let late = figures(["decision": ["approved": true]], clock(completedOn: "2026-03-12"))
        XCTAssertEqual([late.completed, late.completedOnTime], [1, 0])
    }

    func testAnUndecidedCasePastItsDueDateIsOverdue() {
        XCTAssertEqual(figures(["decision": .null], clock(), today: "2026-03-10").overdueOpen, 1)
        XCTAssertEqual(figures(["decision": .null], clock(), today: "2026-03-06").overdueOpen, 0)
        XCTAssertEqual(figures([:], clock(immediate: true)).immediate, 1)
    }

    func testSatisfiedIsARatingOfOneToThreeAndAFollowUpIsClosedByItsDueDate() {
        XCTAssertEqual(figures(["evaluation": ["level": 3]], clock()).satisfied, 1)
        let poor = figures(["evaluation": ["level": 4, "followUp": ["openedOn": "2026-03-02", "workingDays": 5, "closedOn": "2026-03-09"]]], clock())
        XCTAssertEqual([poor.evaluated, poor.satisfied, poor.followUps, poor.followUpsClosedOnTime], [1, 0, 1, 1])
        let latePoor = figures(["evaluation": ["level": 5, "followUp": ["openedOn": "2026-03-02", "workingDays": 5, "closedOn": "2026-03-10"]]], clock())
        XCTAssertEqual(latePoor.followUpsClosedOnTime, 0)
        XCTAssertEqual(figures(["supplementRounds": 1], clock()).withSupplement, 1)
    }

    func testKeptFiguresCountedOnAnyDayAreTheLiveCount() {
        let days = ["2026-03-02", "2026-03-05", "2026-03-09", "2026-03-10", "2026-03-20", "2027-01-04"]
        let decided = CaseFacts(state: ["decision": ["approved": true], "evaluation": ["level": 4, "followUp": ["openedOn": "2026-03-06", "workingDays": 5]]])
        var refused = clock()
        refused.refused = true
        var resumed = clock()
        resumed.pauses = [ClockPause(from: LocalDate(iso: "2026-03-03")!, to: LocalDate(iso: "2026-03-04")!)]
        let cases: [(String, CaseFacts, CaseClock)] = [
            ("decided", decided, clock(completedOn: "2026-03-05")), ("refused", CaseFacts(state: [:]), refused),
            ("open", CaseFacts(state: ["supplementRounds": 1]), clock()), ("immediate", CaseFacts(state: [:]), clock(immediate: true)),
            ("open after a pause", CaseFacts(state: [:]), resumed),
        ]
        for (name, facts, clock) in cases {
            guard let kept = CaseStatistics.kept(facts, clock: clock, calendar: calendar) else { return XCTFail(name) }
            for day in days {
                let live = CaseStatistics.figures(facts, clock: clock, refused: clock.refused, calendar: calendar, deadlines: deadlines,
                                                  today: LocalDate(iso: day)!)
                XCTAssertEqual(kept.on(LocalDate(iso: day)!), live, "\(name) on \(day)")
            }
        }
        XCTAssertNil(kept(clock(), pausedSince: "2026-03-04"), "paused now: its due date moves every day, counted live")
        let decidedKept = CaseStatistics.kept(decided, clock: clock(completedOn: "2026-03-05"), calendar: calendar)
        XCTAssertNil(decidedKept?.overdueAfter, "a settled case is never overdue later")
        XCTAssertEqual(CaseStatistics(counts: decidedKept?.figures.counts ?? []), decidedKept?.figures, "the stored columns read back")
        XCTAssertEqual(CaseStatistics.countNames.count, CaseStatistics().counts.count)
    }

    private func kept(_ clock: CaseClock, pausedSince: String) -> KeptFigures? {
        var paused = clock
        paused.pauses = [ClockPause(from: LocalDate(iso: pausedSince)!)]
        return CaseStatistics.kept(CaseFacts(state: [:]), clock: paused, calendar: calendar)
    }

    func testAVillageCaseCountsAtTheVillageItsTownshipAndTheCounty() {
        var stats = CaseStatistics()
        stats.cases = 1
        var tally = StatisticsTally(within: nil)
        tally.count(stats, at: "330106109201", item: "A", itemName: "甲")
        tally.count(stats, at: "330106110", item: "A", itemName: "甲")
        let report = tally.report(calendarWarning: nil)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: report.perNode.map { ($0.code, $0.stats.cases) }),
                       ["330106": 2, "330106109": 1, "330106109201": 1, "330106110": 1])
        XCTAssertEqual(report.perItem.map(\.stats.cases), [2])

        var township = StatisticsTally(within: "330106109")
        XCTAssertTrue(township.includes(origin: "330106109201"))
        XCTAssertFalse(township.includes(origin: "330106110"))
        township.count(stats, at: "330106109201", item: "A", itemName: "甲")
        XCTAssertEqual(township.report(calendarWarning: nil).perNode.map(\.code), ["330106109", "330106109201"], "the subtree only")
    }
}
