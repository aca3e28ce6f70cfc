/// CaseView is a case as staff see it: its state plus what depends on today and the calendar
/// (due dates, deadline status). Lists mask ID numbers and phones (GB/T 35273); `show` does not.
public struct CaseView: Sendable {
    public let state: CaseState
    public let clock: CaseClock
    public let dueDate: LocalDate?
    public let legalDueDate: LocalDate
    public let deadlineStatus: DeadlineStatus
    /// Set when a running limit reaches into a year whose calendar is not published.
    public let calendarWarning: String?

    public init(state: CaseState, calendar: WorkingCalendar, today: LocalDate) {
        self.state = state
        self.clock = CaseClock(state: state)
        self.dueDate = !clock.hasDueDate ? nil : clock.dueDate(calendar: calendar, today: today)
        self.legalDueDate = clock.legalDueDate(calendar: calendar, today: today)
        self.deadlineStatus = clock.status(calendar: calendar, today: today)
        self.calendarWarning = clock.completedOn == nil && !clock.refused
            ? CalendarWarning.message(CalendarWarning.years(from: clock.acceptedOn, to: max(legalDueDate, dueDate ?? legalDueDate), calendar: calendar))
            : nil
    }

    /// The full JSON of `case show`: the state (with its timeline) and the deadline fields.
    public func json(masked: Bool) -> JSONValue {
        guard case .object(var fields) = state.json else { return state.json }
        fields["dueDate"] = .optional(dueDate?.iso)
        fields["legalDueDate"] = .string(legalDueDate.iso)
        fields["deadlineStatus"] = .string(deadlineStatus.rawValue)
        fields["clockPaused"] = .bool(clock.isPaused)
        fields["stateName"] = .string(state.status.chineseName)
        if let calendarWarning { fields["calendarWarning"] = .string(calendarWarning) }
        if masked {
            var applicant = state.applicant
            applicant.idNumber = Masking.idNumber(applicant.idNumber)
            applicant.phone = Masking.phone(applicant.phone)
            fields["applicant"] = applicant.json
        }
        if dueDate == nil { fields.removeValue(forKey: "dueDate") }
        return .object(fields)
    }
}
