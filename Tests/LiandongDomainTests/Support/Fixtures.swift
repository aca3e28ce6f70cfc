import LiandongDomain

/// A date from `YYYY-MM-DD`; traps on a typo in a test, which is what a test wants.
func day(_ iso: String) -> LocalDate {
    guard let d = LocalDate(iso: iso) else { preconditionFailure("bad test date \(iso)") }
    return d
}

func days(_ isos: [String]) -> Set<LocalDate> { Set(isos.map(day)) }

/// Every day from `a` to `b` inclusive.
func range(_ a: String, _ b: String) -> [String] {
    (day(a).dayNumber...day(b).dayNumber).map { LocalDate(dayNumber: $0).iso }
}

/// The State Council's 2026 arrangement (国务院办公厅 2025-11-04), the same data as
/// Deploy/examples/calendar-2026.json.
let year2026 = CalendarYear(
    year: 2026,
    holidays: days(
        range("2026-01-01", "2026-01-03") + range("2026-02-15", "2026-02-23") + range("2026-04-04", "2026-04-06")
            + range("2026-05-01", "2026-05-05") + range("2026-06-19", "2026-06-21")
            + range("2026-09-25", "2026-09-27") + range("2026-10-01", "2026-10-07")),
    workdays: days(["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]))

/// A plausible 2027 New Year: Friday 1 January to Sunday 3 January, no make-up day (not yet published).
let year2027 = CalendarYear(year: 2027, holidays: days(range("2027-01-01", "2027-01-03")))

let calendar2026 = WorkingCalendar(years: [year2026, year2027])
