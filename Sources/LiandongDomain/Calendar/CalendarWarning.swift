/// CalendarWarning names the years whose working-day table the county has not published where a
/// deadline depends on it: the State Council announces next year's holidays and make-up days late
/// in the year, and until the county publishes them a limit reaching into that year is counted on
/// weekdays only and may move.
public enum CalendarWarning {
    /// The next year, from 1 November on, when its table is not published: what the county must do now.
    public static func upcomingYear(calendar: WorkingCalendar, today: LocalDate) -> Int? {
        guard today.month >= 11, !calendar.covers(year: today.year + 1) else { return nil }
        return today.year + 1
    }

    /// The unpublished years a deadline running from `start` to `due` reaches into.
    public static func years(from start: LocalDate, to due: LocalDate, calendar: WorkingCalendar) -> [Int] {
        guard due >= start else { return [] }
        return (start.year...due.year).filter { !calendar.covers(year: $0) }
    }

    public static func message(_ years: [Int]) -> String? {
        guard !years.isEmpty else { return nil }
        let list = years.map { "\($0) 年" }.joined(separator: "、")
        return "\(list)工作日历尚未发布：期限暂按周一至周五推算，发布后可能变化"
    }

    public static func upcomingMessage(_ year: Int) -> String {
        "\(year) 年工作日历尚未发布：请县政务服务中心在国务院公布节假日安排后尽快发布（calendar set）"
    }
}
