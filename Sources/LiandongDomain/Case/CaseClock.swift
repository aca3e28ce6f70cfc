/// CaseClock is what the time limit of a case depends on, taken from its state: acceptance day,
/// limits, extension, pauses and completion. The due date also depends on the county calendar and
/// on today (an open pause moves it), so it is computed when asked, never stored as a fact.
public struct CaseClock: Hashable, Sendable {
    public var acceptedOn: LocalDate
    public var promisedLimit: TimeLimit
    public var legalLimit: TimeLimit
    public var immediate: Bool
    public var extensionDays: Int
    /// The day the extension was granted: one granted after a limit had passed does not move that
    /// limit (行政许可法 art. 42: the extension is decided within the limit), so an overdue case stays overdue.
    public var extensionOn: LocalDate?
    public var pauses: [ClockPause]
    public var completedOn: LocalDate?
    /// A refused application (不予受理) was never accepted: no time limit runs for it.
    public var refused = false

    public init(state: CaseState) {
        // A case handled again (责令重新办理) runs its limit afresh from the order.
        self.acceptedOn = state.rehandlings.last?.on ?? state.acceptedOn
        self.promisedLimit = state.item.promisedLimit
        self.legalLimit = state.item.legalLimit
        self.immediate = state.item.kind == .immediate
        self.extensionDays = state.timeExtension?.workingDays ?? 0
        self.extensionOn = state.timeExtension?.on
        self.pauses = state.pauses.map { ClockPause(from: $0.from, to: $0.to) }
        self.completedOn = state.decision?.on ?? state.withdrawal?.on ?? (state.status == .refused ? state.acceptedOn : nil)
        self.refused = state.status == .refused
    }

    /// True when the case has a promised date to show: not an immediate item, not a refusal.
    public var hasDueDate: Bool { !immediate && !refused }

    /// The promised completion date (承诺办结日期); for an immediate item, the day of acceptance.
    public func dueDate(calendar: WorkingCalendar, today: LocalDate) -> LocalDate {
        if immediate { return acceptedOn }
        return DeadlineClock(calendar: calendar).dueDate(
            acceptedOn: acceptedOn, limit: promisedLimit, extensionWorkingDays: effectiveExtension(promisedLimit, calendar: calendar, today: today),
            pauses: pauses, today: completedOn ?? today)
    }

    /// The legal completion date (法定办结日期).
    public func legalDueDate(calendar: WorkingCalendar, today: LocalDate) -> LocalDate {
        DeadlineClock(calendar: calendar).dueDate(
            acceptedOn: acceptedOn, limit: legalLimit, extensionWorkingDays: effectiveExtension(legalLimit, calendar: calendar, today: today),
            pauses: pauses, today: completedOn ?? today)
    }

    public func status(calendar: WorkingCalendar, today: LocalDate) -> DeadlineStatus {
        DeadlineClock(calendar: calendar).status(dueDate: dueDate(calendar: calendar, today: today), today: today, completedOn: completedOn)
    }

    /// The extension that counts toward `limit`: all of it when granted on or before the day the
    /// limit fell due without it, none otherwise.
    func effectiveExtension(_ limit: TimeLimit, calendar: WorkingCalendar, today: LocalDate) -> Int {
        guard extensionDays > 0, let extensionOn else { return extensionDays }
        let unextended = DeadlineClock(calendar: calendar).dueDate(
            acceptedOn: acceptedOn, limit: limit, extensionWorkingDays: 0, pauses: pauses, today: completedOn ?? today)
        return extensionOn <= unextended ? extensionDays : 0
    }

    /// Why an extension may not be granted today: the promised limit has already passed (art. 42
    /// lets the head extend a running limit, not revive a missed one). Nil when it may.
    public func extensionRefusal(calendar: WorkingCalendar, today: LocalDate) -> String? {
        if immediate { return "即办件不能延期" }
        let due = DeadlineClock(calendar: calendar).dueDate(
            acceptedOn: acceptedOn, limit: promisedLimit, extensionWorkingDays: 0, pauses: pauses, today: completedOn ?? today)
        return today > due ? "办件已于 \(due.iso) 到期，超期后不能再延期（行政许可法第四十二条：延期须在期限内决定），超期记录保留" : nil
    }

    public var isPaused: Bool { completedOn == nil && pauses.contains { $0.to == nil } }

    public var json: JSONValue {
        ["acceptedOn": .string(acceptedOn.iso), "promisedLimit": promisedLimit.json, "legalLimit": legalLimit.json,
         "immediate": .bool(immediate), "extensionDays": .int(Int64(extensionDays)), "extensionOn": .optional(extensionOn?.iso),
         "pauses": .array(pauses.map { ["from": .string($0.from.iso), "to": .optional($0.to?.iso)] }),
         "completedOn": .optional(completedOn?.iso), "refused": .bool(refused)]
    }

    /// Reads the stored form back; nil when it is not one (a row written by a broken tool).
    public init?(json: JSONValue) {
        func limit(_ key: String) -> TimeLimit? {
            guard let days = json[key]?["days"]?.intValue, let unit = json[key]?["unit"]?.stringValue.flatMap(TimeLimit.Unit.init(rawValue:)) else { return nil }
            return TimeLimit(days: Int(days), unit: unit)
        }
        guard let accepted = json["acceptedOn"]?.stringValue.flatMap(LocalDate.init(iso:)),
            let promised = limit("promisedLimit"), let legal = limit("legalLimit"),
            let immediate = json["immediate"]?.boolValue, let extensionDays = json["extensionDays"]?.intValue,
            let pauses = json["pauses"]?.arrayValue
        else { return nil }
        self.acceptedOn = accepted
        self.promisedLimit = promised
        self.legalLimit = legal
        self.immediate = immediate
        self.extensionDays = Int(extensionDays)
        self.extensionOn = json["extensionOn"]?.stringValue.flatMap(LocalDate.init(iso:))
        self.pauses = pauses.compactMap { pause in
            guard let from = pause["from"]?.stringValue.flatMap(LocalDate.init(iso:)) else { return nil }
            return ClockPause(from: from, to: pause["to"]?.stringValue.flatMap(LocalDate.init(iso:)))
        }
        self.completedOn = json["completedOn"]?.stringValue.flatMap(LocalDate.init(iso:))
        self.refused = json["refused"]?.boolValue ?? false
    }
}
