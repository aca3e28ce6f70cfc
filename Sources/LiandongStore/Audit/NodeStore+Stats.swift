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
    /// 不予受理: applications refused (not counted as cases handled).
    public var refused = 0
    /// 不予许可: decisions that denied.
    public var denied = 0
    /// 一次性告知: notices given instead of accepting (行政许可法 art. 32).
    public var oneTimeNotices = 0
    /// 回访整改: poor ratings' follow-ups opened, and closed by their due date.
    public var followUps = 0
    public var followUpsClosedOnTime = 0

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
            "refused": .int(Int64(refused)), "denied": .int(Int64(denied)), "oneTimeNotices": .int(Int64(oneTimeNotices)),
            "followUps": .int(Int64(followUps)), "followUpsClosedOnTime": .int(Int64(followUpsClosedOnTime)),
            "followUpOnTimeRatePermille": CaseStatistics.rate(followUpsClosedOnTime, followUps),
        ]
    }
}

/// StatisticsReport is `stats`: the figures overall, per item and per node with its subtree (a node's
/// line counts the cases accepted at it and every node below it), over a period of acceptance days.
public struct StatisticsReport: Sendable {
    public var overall = CaseStatistics()
    public var perItem: [(code: String, name: String, stats: CaseStatistics)] = []
    public var perNode: [(code: String, stats: CaseStatistics)] = []
    public var calendarWarning: String?
}

extension NodeStore {
    /// Statistics over the cases held here (DESIGN §8 definitions), overall, per item and per node
    /// with its subtree; `node` keeps only that node's subtree. Refusals are counted as refusals, not
    /// as cases handled; one-time notices by the day they were given. `from` after `to` is an error.
    public func statistics(from: LocalDate? = nil, to: LocalDate? = nil, node: String? = nil) throws -> StatisticsReport {
        if let from, let to, from > to {
            throw StoreError("invalid_period", "统计期间的开始日期 \(from.iso) 晚于结束日期 \(to.iso)")
        }
        let calendar = try self.calendar()
        let clockToday = today
        let deadlines = DeadlineClock(calendar: calendar)
        var report = StatisticsReport()
        var perItem: [String: (name: String, stats: CaseStatistics)] = [:]
        var perNode: [String: CaseStatistics] = [:]
        func count(_ stats: CaseStatistics, at origin: String) {
            report.overall.add(stats)
            // Every node on the path to the origin counts it (its subtree's line); above the filter node, none.
            for code in NodeCode.path(to: origin) where node.map({ NodeCode.isAncestorOrSelf($0, of: code) }) ?? true {
                perNode[code, default: CaseStatistics()].add(stats)
            }
        }
        try db.forEachRow("SELECT item_code, status, acceptor, state, clock FROM cases") { row in
            guard let code = row.text("item_code"), let acceptor = row.text("acceptor"), let stateText = row.text("state"),
                let clockText = row.text("clock"), let clock = CaseClock(json: try JSONParser.parse(clockText))
            else { return }
            if let node, !NodeCode.isAncestorOrSelf(node, of: acceptor) { return }
            let state = try JSONParser.parse(stateText)
            let acceptedOn = state["acceptedOn"]?.stringValue.flatMap(LocalDate.init(iso:)) ?? clock.acceptedOn
            if let from, acceptedOn < from { return }
            if let to, acceptedOn > to { return }
            var stats = CaseStatistics()
            if row.text("status") == CaseStatus.refused.rawValue {
                stats.refused = 1
            } else {
                stats.cases = 1
                if clock.immediate { stats.immediate = 1 }
                if (state["supplementRounds"]?.intValue ?? 0) > 0 { stats.withSupplement = 1 }
                if let evaluation = state["evaluation"], let level = evaluation["level"]?.intValue {
                    stats.evaluated = 1
                    if level <= 3 { stats.satisfied = 1 }
                    if let followUp = evaluation["followUp"], !followUp.isNull,
                        let opened = followUp["openedOn"]?.stringValue.flatMap(LocalDate.init(iso:)), let days = followUp["workingDays"]?.intValue
                    {
                        stats.followUps = 1
                        let due = deadlines.dueDate(acceptedOn: opened, limit: TimeLimit(days: Int(days), unit: .working), today: clockToday)
                        if let closed = followUp["closedOn"]?.stringValue.flatMap(LocalDate.init(iso:)), closed <= due { stats.followUpsClosedOnTime = 1 }
                    }
                }
                if state["decision"]?["approved"]?.boolValue == false { stats.denied = 1 }
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
            }
            count(stats, at: acceptor)
            let name = state["item"]?["name"]?.stringValue ?? code
            perItem[code, default: (name, CaseStatistics())].stats.add(stats)
        }
        for notice in try oneTimeNotices(NoticeFilter(node: node, from: from, to: to), masked: true) {
            guard let origin = notice["node"]?.stringValue, let code = notice["item"]?["code"]?.stringValue else { continue }
            var stats = CaseStatistics()
            stats.oneTimeNotices = 1
            count(stats, at: origin)
            perItem[code, default: (notice["item"]?["name"]?.stringValue ?? code, CaseStatistics())].stats.add(stats)
        }
        report.perItem = perItem.keys.sorted().compactMap { code in perItem[code].map { (code, $0.name, $0.stats) } }
        report.perNode = perNode.keys.sorted().compactMap { code in perNode[code].map { (code, $0) } }
        // A period reaching into a year without a published calendar is counted on weekdays only.
        let years = from.flatMap { from in to.map { (from.year...$0.year).map { $0 } } } ?? []
        report.calendarWarning = CalendarWarning.message(years.filter { !calendar.covers(year: $0) })
            ?? CalendarWarning.upcomingYear(calendar: calendar, today: clockToday).map(CalendarWarning.upcomingMessage)
        return report
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
        refused += other.refused
        denied += other.denied
        oneTimeNotices += other.oneTimeNotices
        followUps += other.followUps
        followUpsClosedOnTime += other.followUpsClosedOnTime
    }
}
