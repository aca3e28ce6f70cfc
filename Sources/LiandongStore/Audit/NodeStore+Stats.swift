import LiandongDomain

/// CaseStatistics are the figures of DESIGN §8 for a set of cases: on-time and early completion,
/// immediate cases, average working days, supplements and satisfaction.
public struct CaseStatistics: Sendable {
    public var cases = 0
    public var completed = 0
    public var completedOnTime = 0
    public var completedEarly = 0
    public var immediate = 0
    public var workingDaysTotal = 0
    public var withSupplement = 0
    public var evaluated = 0
    public var satisfied = 0
    public var overdueOpen = 0

    public init() {}

    static func rate(_ part: Int, _ whole: Int) -> JSONValue {
        // Per mille as an integer: the canonical encoding carries no floating point.
        whole == 0 ? .null : .int(Int64((part * 1000 + whole / 2) / whole))
    }

    public var json: JSONValue {
        [
            "cases": .int(Int64(cases)), "completed": .int(Int64(completed)), "overdueOpen": .int(Int64(overdueOpen)),
            "onTimeRatePermille": CaseStatistics.rate(completedOnTime, completed),
            "earlyRatePermille": CaseStatistics.rate(completedEarly, completed),
            "immediateRatePermille": CaseStatistics.rate(immediate, cases),
            "averageWorkingDaysTenths": completed == 0 ? .null : .int(Int64((workingDaysTotal * 10 + completed / 2) / completed)),
            "supplementRatePermille": CaseStatistics.rate(withSupplement, cases),
            "satisfactionRatePermille": CaseStatistics.rate(satisfied, evaluated),
            "evaluated": .int(Int64(evaluated)),
        ]
    }
}

extension NodeStore {
    /// Statistics over the cases held here, overall and per item; refusals are not counted as cases handled.
    public func statistics(from: LocalDate? = nil, to: LocalDate? = nil) throws -> (overall: CaseStatistics, perItem: [(code: String, name: String, stats: CaseStatistics)]) {
        let calendar = try self.calendar()
        let clockToday = today
        let deadlines = DeadlineClock(calendar: calendar)
        var overall = CaseStatistics()
        var perItem: [String: (name: String, stats: CaseStatistics)] = [:]
        try db.forEachRow("SELECT item_code, status, state, clock, accepted_on FROM cases WHERE status <> 'refused'") { row in
            guard let code = row.text("item_code"), let stateText = row.text("state"), let clockText = row.text("clock"),
                let clock = CaseClock(json: try JSONParser.parse(clockText))
            else { return }
            if let from, clock.acceptedOn < from { return }
            if let to, clock.acceptedOn > to { return }
            let state = try JSONParser.parse(stateText)
            var stats = CaseStatistics()
            stats.cases = 1
            if clock.immediate { stats.immediate = 1 }
            if (state["supplementRounds"]?.intValue ?? 0) > 0 { stats.withSupplement = 1 }
            if let level = state["evaluation"]?["level"]?.intValue {
                stats.evaluated = 1
                if level <= 3 { stats.satisfied = 1 }
            }
            let decided = state["decision"].map { !$0.isNull } ?? false
            if decided, let completedOn = clock.completedOn {
                let due = clock.dueDate(calendar: calendar, today: clockToday)
                stats.completed = 1
                if completedOn <= due { stats.completedOnTime = 1 }
                if completedOn < due { stats.completedEarly = 1 }
                stats.workingDaysTotal = max(0, deadlines.workingDaysBetween(clock.acceptedOn, completedOn))
            } else if clock.completedOn == nil, clock.status(calendar: calendar, today: clockToday) == .overdue {
                stats.overdueOpen = 1
            }
            overall.add(stats)
            let name = state["item"]?["name"]?.stringValue ?? code
            perItem[code, default: (name, CaseStatistics())].stats.add(stats)
        }
        return (overall, perItem.keys.sorted().compactMap { code in perItem[code].map { (code, $0.name, $0.stats) } })
    }
}

extension CaseStatistics {
    mutating func add(_ other: CaseStatistics) {
        cases += other.cases
        completed += other.completed
        completedOnTime += other.completedOnTime
        completedEarly += other.completedEarly
        immediate += other.immediate
        workingDaysTotal += other.workingDaysTotal
        withSupplement += other.withSupplement
        evaluated += other.evaluated
        satisfied += other.satisfied
        overdueOpen += other.overdueOpen
    }
}
