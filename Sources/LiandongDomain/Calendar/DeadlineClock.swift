/// ClockPause is a stretch during which a case's clock stands still: a supplement requested after
/// acceptance (补正, where the item says so) or a special procedure (行政许可法 art. 45: hearing,
/// testing, inspection, expert review). The day it starts still counts; the days after it, up to and
/// including the day it ends, do not (the end day is treated like the acceptance day).
public struct ClockPause: Hashable, Sendable {
    public var from: LocalDate
    /// The day the pause ended (the material came in, the procedure finished); nil while still paused.
    public var to: LocalDate?

    public init(from: LocalDate, to: LocalDate? = nil) {
        self.from = from
        self.to = to
    }
}

/// DeadlineStatus is where a case stands against its due date, as shown on the deadline board (电子监察).
public enum DeadlineStatus: String, Sendable, CaseIterable {
    /// 正常.
    case onTime = "on_time"
    /// 预警: three working days or fewer left.
    case dueSoon = "due_soon"
    /// 超期.
    case overdue

    public var chineseName: String {
        switch self {
        case .onTime: return "正常"
        case .dueSoon: return "预警"
        case .overdue: return "超期"
        }
    }
}

/// DeadlineClock is the legal time-limit arithmetic of 行政许可法 art. 42, 45 and 82 on the county's
/// working-day calendar: due dates, the on-time / due-soon / overdue status and working-day counts.
public struct DeadlineClock: Sendable {
    public var calendar: WorkingCalendar
    /// A case is due soon when this many working days or fewer remain (DESIGN.md §8: 3).
    public var dueSoonWorkingDays: Int

    public init(calendar: WorkingCalendar, dueSoonWorkingDays: Int = 3) {
        self.calendar = calendar
        self.dueSoonWorkingDays = dueSoonWorkingDays
    }

    /// The last day on which the case is still on time.
    ///
    /// - The acceptance day does not count (民法典 art. 201, applied by practice).
    /// - A working-day limit counts only the calendar's working days (行政许可法 art. 82); a natural-day
    ///   limit counts every day, but one ending on a non-working day moves to the next working day
    ///   (民法典 art. 203).
    /// - Paused days do not count (art. 45); an open pause runs to `today`, so the due date of a
    ///   paused case moves forward by one counted day for each day it stays paused.
    /// - An extension (art. 42: +10 working days with the head's approval) adds working days after the
    ///   limit, also skipping paused days.
    /// - A zero-day limit (即办件) is due on the acceptance day itself.
    public func dueDate(
        acceptedOn: LocalDate, limit: TimeLimit, extensionWorkingDays: Int = 0, pauses: [ClockPause] = [],
        today: LocalDate
    ) -> LocalDate {
        let paused = pausedRanges(pauses, today: today)
        func counts(_ day: LocalDate, workingOnly: Bool) -> Bool {
            if workingOnly && !calendar.isWorkingDay(day) { return false }
            return !paused.contains { $0.contains(day.dayNumber) }
        }
        func walk(_ n: Int, from start: LocalDate, workingOnly: Bool) -> LocalDate {
            var day = start
            var left = n
            while left > 0 {
                day = day.adding(days: 1)
                if counts(day, workingOnly: workingOnly) { left -= 1 }
            }
            return day
        }
        var due = walk(limit.days, from: acceptedOn, workingOnly: limit.unit == .working)
        if limit.days > 0 && !calendar.isWorkingDay(due) {
            due = calendar.nextWorkingDay(after: due)
        }
        return walk(extensionWorkingDays, from: due, workingOnly: true)
    }

    /// Where a case stands on `today`, or, once completed, whether it was completed in time.
    /// Overdue when `today` (or `completedOn`) is after `dueDate`; due soon when the working days after
    /// `today` up to and including `dueDate` are `dueSoonWorkingDays` or fewer; on time otherwise.
    /// A completed case is never due soon: it is on time or it was late.
    public func status(dueDate: LocalDate, today: LocalDate, completedOn: LocalDate?) -> DeadlineStatus {
        if let completedOn {
            return completedOn > dueDate ? .overdue : .onTime
        }
        if today > dueDate { return .overdue }
        return workingDaysBetween(today, dueDate) <= dueSoonWorkingDays ? .dueSoon : .onTime
    }

    /// The working days after `a` up to and including `b` (0 when they are the same day; negative,
    /// mirrored, when `b` is before `a`). Used for "average working days" statistics.
    public func workingDaysBetween(_ a: LocalDate, _ b: LocalDate) -> Int {
        if b < a { return -workingDaysBetween(b, a) }
        var count = 0
        var day = a
        while day < b {
            day = day.adding(days: 1)
            if calendar.isWorkingDay(day) { count += 1 }
        }
        return count
    }

    /// The `n`-th working day after `date` (`date` itself when `n` is 0; before it when `n` is negative).
    public func addWorkingDays(_ n: Int, to date: LocalDate) -> LocalDate {
        let step = n < 0 ? -1 : 1
        var day = date
        var left = abs(n)
        while left > 0 {
            day = day.adding(days: step)
            if calendar.isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// The day numbers that do not count: `from + 1 ... to` for each pause, an open one ending `today`.
    private func pausedRanges(_ pauses: [ClockPause], today: LocalDate) -> [ClosedRange<Int>] {
        pauses.compactMap { pause in
            let end = (pause.to ?? today).dayNumber
            let start = pause.from.dayNumber + 1
            return start <= end ? start...end : nil
        }
    }
}
