import LiandongDomain
import XCTest

final class WorkingCalendarTests: XCTestCase {
    func testHolidayOnAWeekdayIsNotAWorkingDay() {
        XCTAssertFalse(calendar2026.isWorkingDay(day("2026-10-01")))  // Thursday, 国庆
        XCTAssertFalse(calendar2026.isWorkingDay(day("2026-02-23")))  // Monday, 春节
    }

    func testMakeUpWeekendDayIsAWorkingDay() {
        XCTAssertTrue(calendar2026.isWorkingDay(day("2026-02-14")))  // Saturday
        XCTAssertTrue(calendar2026.isWorkingDay(day("2026-01-04")))  // Sunday
        XCTAssertTrue(calendar2026.isWorkingDay(day("2026-09-20")))  // Sunday
    }

    func testUnlistedDaysFollowTheWeek() {
        XCTAssertTrue(calendar2026.isWorkingDay(day("2026-03-02")))  // Monday
        XCTAssertTrue(calendar2026.isWorkingDay(day("2026-03-06")))  // Friday
        XCTAssertFalse(calendar2026.isWorkingDay(day("2026-03-07")))  // Saturday
        XCTAssertFalse(calendar2026.isWorkingDay(day("2026-03-08")))  // Sunday
    }

    func testYearNotInTheTableFallsBackToMondayToFriday() {
        XCTAssertFalse(calendar2026.covers(year: 2030))
        XCTAssertTrue(calendar2026.isWorkingDay(day("2030-01-01")))  // Tuesday, a holiday in reality
        XCTAssertFalse(calendar2026.isWorkingDay(day("2030-01-05")))  // Saturday
        XCTAssertTrue(WorkingCalendar.weekdaysOnly.isWorkingDay(day("2026-10-01")))
    }

    func testCoversOnlyTheYearsInTheTable() {
        XCTAssertTrue(calendar2026.covers(year: 2026))
        XCTAssertTrue(calendar2026.covers(year: 2027))
        XCTAssertFalse(calendar2026.covers(year: 2025))
        XCTAssertEqual(Set(calendar2026.years.keys), [2026, 2027])
    }

    func testLaterEntryForTheSameYearReplacesTheEarlier() {
        let corrected = CalendarYear(year: 2026, holidays: days(["2026-03-02"]))
        let calendar = WorkingCalendar(years: [year2026, corrected])
        XCTAssertFalse(calendar.isWorkingDay(day("2026-03-02")))
        XCTAssertTrue(calendar.isWorkingDay(day("2026-10-01")))
    }

    func testNextWorkingDaySkipsAWholeHolidayBreak() {
        XCTAssertEqual(calendar2026.nextWorkingDay(after: day("2026-09-30")), day("2026-10-08"))
        XCTAssertEqual(calendar2026.nextWorkingDay(after: day("2026-02-13")), day("2026-02-14"))
    }

    func testJSONListsDatesInAscendingOrder() {
        let year = CalendarYear(
            year: 2026, holidays: days(["2026-10-02", "2026-10-01"]), workdays: days(["2026-10-10", "2026-09-20"]))
        XCTAssertEqual(
            year.json,
            ["year": 2026, "holidays": ["2026-10-01", "2026-10-02"], "workdays": ["2026-09-20", "2026-10-10"]])
    }

    func testParseRoundTripsTheJSON() throws {
        XCTAssertEqual(try CalendarYear.parse(year2026.json), year2026)
    }

    func testParseReadsTheImportFormat() throws {
        let year = try CalendarYear.parse(
            try JSONParser.parse(#"{"year": 2026, "holidays": ["2026-10-01", "2026-10-03"], "workdays": ["2026-10-10"]}"#))
        XCTAssertEqual(year.year, 2026)
        XCTAssertEqual(year.holidays, days(["2026-10-01", "2026-10-03"]))
        XCTAssertEqual(year.workdays, days(["2026-10-10"]))
    }

    func testHolidayOnAWeekendIsAccepted() throws {
        let year = try CalendarYear.parse(["year": 2026, "holidays": ["2026-10-03"], "workdays": []])
        XCTAssertEqual(year.holidays, days(["2026-10-03"]))
    }

    func testParseRejectsAYearOfTheWrongType() {
        assertImportError(["year": "2026", "holidays": [], "workdays": []], code: "wrong_type", field: "year")
    }

    func testParseRejectsAMissingField() {
        assertImportError(["year": 2026, "holidays": []], code: "missing_field", field: "workdays")
    }

    func testParseRejectsAnUnknownField() {
        assertImportError(
            ["year": 2026, "holidays": [], "workdays": [], "note": "x"], code: "unknown_field", field: "note")
    }

    func testParseRejectsADocumentThatIsNotAnObject() {
        assertImportError(["2026-10-01"], code: "wrong_type", field: "")
    }

    func testParseRejectsADateThatIsNotAString() {
        assertImportError(
            ["year": 2026, "holidays": ["2026-10-01", 20261002], "workdays": []], code: "wrong_type",
            field: "holidays[1]")
    }

    func testParseRejectsAnImpossibleDateAndNamesIt() {
        let error = assertImportError(
            ["year": 2026, "holidays": ["2026-02-30"], "workdays": []], code: "invalid_field", field: "holidays[0]")
        XCTAssertTrue(error?.message.contains("2026-02-30") ?? false)
    }

    func testParseRejectsADateOutsideTheYear() {
        let error = assertImportError(
            ["year": 2026, "holidays": ["2027-01-01"], "workdays": []], code: "invalid_field", field: "holidays[0]")
        XCTAssertTrue(error?.message.contains("2027-01-01") ?? false)
    }

    func testParseRejectsADateThatIsBothHolidayAndWorkday() {
        assertImportError(
            ["year": 2026, "holidays": ["2026-10-03"], "workdays": ["2026-10-10", "2026-10-03"]],
            code: "invalid_field", field: "workdays[1]")
    }

    func testParseRejectsAWorkdayThatIsAlreadyAWeekday() {
        let error = assertImportError(
            ["year": 2026, "holidays": [], "workdays": ["2026-10-12"]], code: "invalid_field", field: "workdays[0]")
        XCTAssertTrue(error?.message.contains("星期一") ?? false)
    }

    func testParseRejectsADuplicateDate() {
        assertImportError(
            ["year": 2026, "holidays": ["2026-10-01", "2026-10-01"], "workdays": []], code: "duplicate",
            field: "holidays[1]")
    }

    @discardableResult
    private func assertImportError(
        _ json: JSONValue, code: String, field: String, file: StaticString = #filePath, line: UInt = #line
    ) -> ImportError? {
        do {
            _ = try CalendarYear.parse(json)
            XCTFail("expected \(code) at \(field)", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            XCTAssertEqual(error.field, field, "\(error)", file: file, line: line)
            XCTAssertNil(error.item, file: file, line: line)
            return error
        }
    }
}
