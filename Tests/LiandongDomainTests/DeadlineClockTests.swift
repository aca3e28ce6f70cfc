import LiandongDomain
import XCTest

final class DeadlineClockTests: XCTestCase {
    let clock = DeadlineClock(calendar: calendar2026)

    private func due(
        _ accepted: String, _ days: Int, _ unit: TimeLimit.Unit = .working, extension ext: Int = 0,
        pauses: [ClockPause] = [], today: String? = nil
    ) -> LocalDate {
        clock.dueDate(
            acceptedOn: day(accepted), limit: TimeLimit(days: days, unit: unit), extensionWorkingDays: ext,
            pauses: pauses, today: day(today ?? accepted))
    }

    // MARK: due date

    func testAcceptanceDayDoesNotCountAndWeekendsAreSkipped() {
        // Monday 2 March + 5 working days: Tue 3 … Fri 6, Mon 9.
        XCTAssertEqual(due("2026-03-02", 5), day("2026-03-09"))
        XCTAssertEqual(due("2026-03-02", 1), day("2026-03-03"))
    }

    func testHolidayAtTheEndOfALimitPushesItPastTheBreak() {
        // Tue 29 Sep: Wed 30 Sep is day 1, 1–7 Oct are 国庆, Thu 8 Oct is day 2.
        XCTAssertEqual(due("2026-09-29", 2), day("2026-10-08"))
        // Thu 24 Sep: 25–27 Sep are 中秋, so day 1 is Mon 28 Sep.
        XCTAssertEqual(due("2026-09-24", 1), day("2026-09-28"))
    }

    func testMakeUpWeekendDaysCount() {
        // Thu 8 Oct: Fri 9 is day 1, Saturday 10 Oct is a make-up working day.
        XCTAssertEqual(due("2026-10-08", 2), day("2026-10-10"))
        // Fri 18 Sep: Sunday 20 Sep is a make-up working day.
        XCTAssertEqual(due("2026-09-18", 1), day("2026-09-20"))
    }

    func testLimitCrossingTheYearSkipsTheNextYearsNewYearHoliday() {
        // Mon 28 Dec 2026: 29, 30, 31 Dec; 1 Jan 2027 (Fri) is 元旦, 2–3 Jan the weekend; Mon 4, Tue 5.
        XCTAssertEqual(due("2026-12-28", 5), day("2027-01-05"))
    }

    func testLimitCrossingIntoATableYearCountsItsMakeUpSunday() {
        // Wed 31 Dec 2025 (no table: Mon–Fri): 1–3 Jan 2026 are 元旦, Sunday 4 Jan is worked, then Mon 5.
        XCTAssertEqual(due("2025-12-31", 2), day("2026-01-05"))
    }

    func testNaturalDayLimitEndingOnASundayMovesToMonday() {
        // Mon 2 March + 6 natural days = Sunday 8 March → Monday 9 March.
        XCTAssertEqual(due("2026-03-02", 6, .natural), day("2026-03-09"))
        // Natural days count the weekend: + 4 is Friday 6 March, unchanged.
        XCTAssertEqual(due("2026-03-02", 4, .natural), day("2026-03-06"))
    }

    func testNaturalDayLimitEndingInAHolidayBreakMovesToTheFirstWorkingDayAfterIt() {
        // Mon 28 Sep + 5 natural days = Sat 3 Oct, inside 国庆 → Thu 8 Oct.
        XCTAssertEqual(due("2026-09-28", 5, .natural), day("2026-10-08"))
    }

    func testNaturalDayLimitEndingOnAMakeUpSaturdayStaysThere() {
        // Thu 8 Oct + 2 natural days = Sat 10 Oct, a make-up working day.
        XCTAssertEqual(due("2026-10-08", 2, .natural), day("2026-10-10"))
    }

    func testZeroDayLimitIsDueOnTheAcceptanceDay() {
        XCTAssertEqual(due("2026-03-04", 0), day("2026-03-04"))
        XCTAssertEqual(due("2026-03-07", 0), day("2026-03-07"))  // accepted on a Saturday at a village point
    }

    func testExtensionAddsWorkingDaysAfterTheLimit() {
        // 20 working days from Mon 2 March end Mon 30 March; +10 (art. 42): 31 Mar, 1–3 Apr,
        // 4–6 Apr are 清明, then 7–10 and 13–14 Apr.
        XCTAssertEqual(due("2026-03-02", 20), day("2026-03-30"))
        XCTAssertEqual(due("2026-03-02", 20, extension: 10), day("2026-04-14"))
    }

    func testExtensionOfANaturalDayLimitStartsFromTheMovedDate() {
        // Sunday 8 March moves to Monday 9 March; one working day more is Tuesday 10 March.
        XCTAssertEqual(due("2026-03-02", 6, .natural, extension: 1), day("2026-03-10"))
    }

    func testPausedDaysDoNotCountEvenAcrossAHoliday() {
        // Mon 21 Sep, 10 working days, unpaused: due Mon 12 Oct.
        XCTAssertEqual(due("2026-09-21", 10), day("2026-10-12"))
        // Supplement requested Wed 23 Sep, material in Thu 8 Oct: the 5 working days 24, 28, 29, 30 Sep
        // and 8 Oct do not count; the holiday in between changes nothing more. Due Mon 19 Oct.
        let pause = ClockPause(from: day("2026-09-23"), to: day("2026-10-08"))
        XCTAssertEqual(due("2026-09-21", 10, pauses: [pause], today: "2026-10-09"), day("2026-10-19"))
    }

    func testPauseStartDayCountsAndEndDayDoesNot() {
        // Mon 2 March, 2 working days; paused Tue 3 (counts) to Wed 4 (does not): day 2 is Thu 5.
        let pause = ClockPause(from: day("2026-03-03"), to: day("2026-03-04"))
        XCTAssertEqual(due("2026-03-02", 2, pauses: [pause]), day("2026-03-05"))
    }

    func testOpenPauseMovesTheDueDateForwardEachDay() {
        let pause = ClockPause(from: day("2026-03-03"))
        XCTAssertEqual(due("2026-03-02", 5, pauses: [pause], today: "2026-03-03"), day("2026-03-09"))
        XCTAssertEqual(due("2026-03-02", 5, pauses: [pause], today: "2026-03-04"), day("2026-03-10"))
        XCTAssertEqual(due("2026-03-02", 5, pauses: [pause], today: "2026-03-05"), day("2026-03-11"))
        // Closing the pause on the day the material comes in freezes the same date.
        let closed = ClockPause(from: day("2026-03-03"), to: day("2026-03-05"))
        XCTAssertEqual(due("2026-03-02", 5, pauses: [closed], today: "2026-03-20"), day("2026-03-11"))
    }

    func testOpenPauseOverAWeekendDoesNotMoveAWorkingDayLimit() {
        let pause = ClockPause(from: day("2026-03-06"))
        XCTAssertEqual(due("2026-03-02", 5, pauses: [pause], today: "2026-03-08"), day("2026-03-09"))
    }

    func testPausedDaysDoNotCountForANaturalDayLimit() {
        // Mon 2 March + 4 natural days, paused 3 → 5 March (4 and 5 do not count): Sun 8 → Mon 9.
        let pause = ClockPause(from: day("2026-03-03"), to: day("2026-03-05"))
        XCTAssertEqual(due("2026-03-02", 4, .natural, pauses: [pause]), day("2026-03-09"))
    }

    func testSeveralPausesAllStopTheClock() {
        let pauses = [
            ClockPause(from: day("2026-03-03"), to: day("2026-03-04")),
            ClockPause(from: day("2026-03-10"), to: day("2026-03-12")),
        ]
        // From Mon 2 March, 4, 11 and 12 March do not count: 3, 5, 6, 9, 10 are the 5 counted days.
        XCTAssertEqual(due("2026-03-02", 5, pauses: pauses, today: "2026-03-20"), day("2026-03-10"))
        // With 7 days: 13 and 16 March follow.
        XCTAssertEqual(due("2026-03-02", 7, pauses: pauses, today: "2026-03-20"), day("2026-03-16"))
    }

    func testPauseStartingAfterTheDueDateDoesNotRescueAnOverdueCase() {
        let pause = ClockPause(from: day("2026-03-12"))
        XCTAssertEqual(due("2026-03-02", 5, pauses: [pause], today: "2026-03-20"), day("2026-03-09"))
    }

    // MARK: status

    func testDueSoonWithExactlyThreeWorkingDaysLeft() {
        let dueDate = day("2026-03-09")  // Monday
        // After Wed 4 March: Thu 5, Fri 6, Mon 9 = 3.
        XCTAssertEqual(clock.status(dueDate: dueDate, today: day("2026-03-04"), completedOn: nil), .dueSoon)
        // After Tue 3 March: 4 working days.
        XCTAssertEqual(clock.status(dueDate: dueDate, today: day("2026-03-03"), completedOn: nil), .onTime)
    }

    func testDueSoonOnTheDueDateItself() {
        XCTAssertEqual(clock.status(dueDate: day("2026-03-09"), today: day("2026-03-09"), completedOn: nil), .dueSoon)
    }

    func testOverdueTheDayAfterTheDueDate() {
        XCTAssertEqual(clock.status(dueDate: day("2026-03-09"), today: day("2026-03-10"), completedOn: nil), .overdue)
    }

    func testDueSoonCountsWorkingDaysNotCalendarDays() {
        // Ten calendar days but only 30 Sep, 8 Oct and 9 Oct are working days.
        XCTAssertEqual(clock.status(dueDate: day("2026-10-09"), today: day("2026-09-29"), completedOn: nil), .dueSoon)
    }

    func testCompletedCaseIsOnTimeOrLateWhateverTheDayIsNow() {
        let dueDate = day("2026-03-09")
        XCTAssertEqual(clock.status(dueDate: dueDate, today: day("2026-04-01"), completedOn: day("2026-03-09")), .onTime)
        XCTAssertEqual(clock.status(dueDate: dueDate, today: day("2026-03-05"), completedOn: day("2026-03-05")), .onTime)
        XCTAssertEqual(
            clock.status(dueDate: dueDate, today: day("2026-04-01"), completedOn: day("2026-03-10")), .overdue)
    }

    func testDueSoonThresholdIsConfigurable() {
        let strict = DeadlineClock(calendar: calendar2026, dueSoonWorkingDays: 5)
        XCTAssertEqual(strict.status(dueDate: day("2026-03-09"), today: day("2026-03-02"), completedOn: nil), .dueSoon)
    }

    func testStatusRawValuesMatchTheWireNames() {
        XCTAssertEqual(DeadlineStatus.allCases.map(\.rawValue), ["on_time", "due_soon", "overdue"])
        XCTAssertEqual(DeadlineStatus.overdue.chineseName, "超期")
    }

    // MARK: working-day counts

    func testWorkingDaysBetweenCountsAfterTheFirstUpToTheLast() {
        XCTAssertEqual(clock.workingDaysBetween(day("2026-03-02"), day("2026-03-02")), 0)
        XCTAssertEqual(clock.workingDaysBetween(day("2026-03-02"), day("2026-03-09")), 5)
        XCTAssertEqual(clock.workingDaysBetween(day("2026-03-06"), day("2026-03-08")), 0)
        XCTAssertEqual(clock.workingDaysBetween(day("2026-09-30"), day("2026-10-08")), 1)
        XCTAssertEqual(clock.workingDaysBetween(day("2026-10-09"), day("2026-10-10")), 1)
    }

    func testWorkingDaysBetweenIsNegativeWhenReversed() {
        XCTAssertEqual(clock.workingDaysBetween(day("2026-03-09"), day("2026-03-02")), -5)
    }

    func testAddWorkingDaysSkipsHolidaysAndCountsMakeUpDays() {
        XCTAssertEqual(clock.addWorkingDays(0, to: day("2026-03-07")), day("2026-03-07"))
        XCTAssertEqual(clock.addWorkingDays(1, to: day("2026-09-30")), day("2026-10-08"))
        XCTAssertEqual(clock.addWorkingDays(3, to: day("2026-10-08")), day("2026-10-12"))
        XCTAssertEqual(clock.addWorkingDays(-1, to: day("2026-10-08")), day("2026-09-30"))
    }

    func testAddWorkingDaysAndWorkingDaysBetweenAgree() {
        let start = day("2026-01-01")
        for n in [1, 7, 30, 120, 250] {
            XCTAssertEqual(clock.workingDaysBetween(start, clock.addWorkingDays(n, to: start)), n)
        }
    }
}

/// An unpublished calendar year is named at the county from 1 November and on every deadline reaching into it.
final class CalendarWarningTests: XCTestCase {
    func testNextYearIsWarnedFromTheFirstOfNovemberUntilPublished() throws {
        let only2026 = WorkingCalendar(years: [CalendarYear(year: 2026)])
        XCTAssertNil(CalendarWarning.upcomingYear(calendar: only2026, today: try XCTUnwrap(LocalDate(iso: "2026-10-31"))))
        XCTAssertEqual(CalendarWarning.upcomingYear(calendar: only2026, today: try XCTUnwrap(LocalDate(iso: "2026-11-01"))), 2027)
        let both = WorkingCalendar(years: [CalendarYear(year: 2026), CalendarYear(year: 2027)])
        XCTAssertNil(CalendarWarning.upcomingYear(calendar: both, today: try XCTUnwrap(LocalDate(iso: "2026-12-01"))))
    }

    func testADeadlineReachingIntoAnUnpublishedYearIsWarned() throws {
        let only2026 = WorkingCalendar(years: [CalendarYear(year: 2026)])
        let start = try XCTUnwrap(LocalDate(iso: "2026-12-10"))
        XCTAssertEqual(CalendarWarning.years(from: start, to: try XCTUnwrap(LocalDate(iso: "2027-01-08")), calendar: only2026), [2027])
        XCTAssertEqual(CalendarWarning.years(from: start, to: try XCTUnwrap(LocalDate(iso: "2026-12-20")), calendar: only2026), [])
        XCTAssertTrue(CalendarWarning.message([2027])?.contains("2027 年工作日历尚未发布") ?? false)
    }
}
