/// CaseStatistics are the figures of DESIGN §8 for a set of cases: on-time and early completion,
/// immediate cases, average working days, supplements and satisfaction.
public struct CaseStatistics: Sendable, Equatable {
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

extension CaseStatistics {
    public mutating func add(_ other: CaseStatistics) {
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

/// CaseFacts is what the statistics read of one case's state: plain values, so that a store can
/// read them without decoding the whole state, and a test can write them down.
public struct CaseFacts: Sendable, Equatable {
    public var supplementRounds: Int
    /// Decided (approved or denied): a decision is recorded.
    public var decided: Bool
    /// The decision's outcome, when decided.
    public var approved: Bool?
    /// The 好差评 level (1 非常满意 … 5 非常不满意), when rated.
    public var evaluationLevel: Int?
    /// A poor rating's follow-up (回访整改): opened on, working days allowed, closed on.
    public var followUpOpenedOn: LocalDate?
    public var followUpWorkingDays: Int?
    public var followUpClosedOn: LocalDate?

    public init(supplementRounds: Int = 0, decided: Bool = false, approved: Bool? = nil, evaluationLevel: Int? = nil,
                followUpOpenedOn: LocalDate? = nil, followUpWorkingDays: Int? = nil, followUpClosedOn: LocalDate? = nil) {
        self.supplementRounds = supplementRounds
        self.decided = decided
        self.approved = approved
        self.evaluationLevel = evaluationLevel
        self.followUpOpenedOn = followUpOpenedOn
        self.followUpWorkingDays = followUpWorkingDays
        self.followUpClosedOn = followUpClosedOn
    }

    /// The facts of a stored state (`CaseState.json`).
    public init(state: JSONValue) {
        let decision = state["decision"].flatMap { $0.isNull ? nil : $0 }
        let followUp = state["evaluation"]?["followUp"].flatMap { $0.isNull ? nil : $0 }
        self.init(
            supplementRounds: Int(state["supplementRounds"]?.intValue ?? 0), decided: decision != nil,
            approved: decision?["approved"]?.boolValue, evaluationLevel: state["evaluation"]?["level"]?.intValue.map(Int.init),
            followUpOpenedOn: followUp?["openedOn"]?.stringValue.flatMap(LocalDate.init(iso:)),
            followUpWorkingDays: followUp?["workingDays"]?.intValue.map(Int.init),
            followUpClosedOn: followUp?["closedOn"]?.stringValue.flatMap(LocalDate.init(iso:)))
    }
}

extension CaseStatistics {
    /// The figures one case contributes (DESIGN §8), from the facts of its state and its deadline
    /// clock, judged on `today` and the working calendar:
    /// - a refusal (不予受理) counts as a refusal, not as a case handled;
    /// - completed on time: decided on or before its due date (行政许可法 art. 42); early: before it;
    /// - overdue open: undecided, not completed, and past its due date today;
    /// - satisfied: rated 1–3 of the five 好差评 levels (1 非常满意 … 5 非常不满意);
    /// - a poor rating's follow-up (回访整改) closed on time: closed by its due date in working days.
    public static func figures(_ facts: CaseFacts, clock: CaseClock, refused: Bool, calendar: WorkingCalendar,
                               deadlines: DeadlineClock, today: LocalDate) -> CaseStatistics {
        var stats = CaseStatistics()
        if refused {
            stats.refused = 1
            return stats
        }
        stats.cases = 1
        if clock.immediate { stats.immediate = 1 }
        if facts.supplementRounds > 0 { stats.withSupplement = 1 }
        if let level = facts.evaluationLevel {
            stats.evaluated = 1
            if level <= 3 { stats.satisfied = 1 }
            if let opened = facts.followUpOpenedOn, let days = facts.followUpWorkingDays {
                stats.followUps = 1
                let due = deadlines.dueDate(acceptedOn: opened, limit: TimeLimit(days: days, unit: .working), today: today)
                if let closed = facts.followUpClosedOn, closed <= due { stats.followUpsClosedOnTime = 1 }
            }
        }
        if facts.approved == false { stats.denied = 1 }
        if facts.decided, let completedOn = clock.completedOn {
            let due = clock.dueDate(calendar: calendar, today: today)
            stats.completed = 1
            if completedOn <= due { stats.completedOnTime = 1 }
            if completedOn < due { stats.completedEarly = 1 }
            stats.workingDaysTotal = max(0, deadlines.workingDaysBetween(clock.acceptedOn, completedOn))
        } else if clock.completedOn == nil, clock.status(calendar: calendar, today: today) == .overdue {
            stats.overdueOpen = 1
        }
        return stats
    }
}

/// StatisticsTally adds up case figures into a report: overall, per item, and per node with its
/// subtree — a case accepted at a village counts at the village, its township and the county; with
/// `within`, only the lines of that node's subtree are kept.
public struct StatisticsTally: Sendable {
    public let within: String?
    private var overall = CaseStatistics()
    private var items: [String: (name: String, stats: CaseStatistics)] = [:]
    private var nodes: [String: CaseStatistics] = [:]

    public init(within: String?) {
        self.within = within
    }

    /// Whether a case accepted (or a notice given) at `origin` belongs in this tally.
    public func includes(origin: String) -> Bool {
        within.map { NodeCode.isAncestorOrSelf($0, of: origin) } ?? true
    }

    public mutating func count(_ stats: CaseStatistics, at origin: String, item code: String, itemName: String) {
        overall.add(stats)
        for node in NodeCode.path(to: origin) where within.map({ NodeCode.isAncestorOrSelf($0, of: node) }) ?? true {
            nodes[node, default: CaseStatistics()].add(stats)
        }
        items[code, default: (itemName, CaseStatistics())].stats.add(stats)
    }

    public func report(calendarWarning: String?) -> StatisticsReport {
        var report = StatisticsReport()
        report.overall = overall
        report.perItem = items.keys.sorted().compactMap { code in items[code].map { (code, $0.name, $0.stats) } }
        report.perNode = nodes.keys.sorted().compactMap { code in nodes[code].map { (code, $0) } }
        report.calendarWarning = calendarWarning
        return report
    }
}

extension CaseFacts {
    /// The facts of a case's state as the reducer leaves it.
    public init(_ state: CaseState) {
        let followUp = state.evaluation?.followUp
        self.init(supplementRounds: state.supplementRounds, decided: state.decision != nil, approved: state.decision?.approved,
                  evaluationLevel: state.evaluation.map { $0.level.rawValue }, followUpOpenedOn: followUp?.openedOn,
                  followUpWorkingDays: followUp?.workingDays, followUpClosedOn: followUp?.closedOn)
    }
}

extension CaseStatistics {
    /// The figures of a case that a store can keep when it writes the case and add up later without
    /// reading the case again (DESIGN §8): every figure but whether it is overdue is fixed by its
    /// state and the working calendar, and whether it is overdue is "counted after its due date".
    /// A settled case (refused, decided, withdrawn) has no such date; nil for a case whose clock is
    /// paused now (its due date moves with every day it stays paused): it is counted live.
    public static func kept(_ facts: CaseFacts, clock: CaseClock, calendar: WorkingCalendar) -> KeptFigures? {
        let deadlines = DeadlineClock(calendar: calendar)
        if clock.refused || clock.completedOn != nil {
            let figures = figures(facts, clock: clock, refused: clock.refused, calendar: calendar, deadlines: deadlines,
                                  today: clock.completedOn ?? clock.acceptedOn)
            return KeptFigures(figures: figures, overdueAfter: nil)
        }
        guard !clock.pauses.contains(where: { $0.to == nil }) else { return nil }
        // Counted on its acceptance day it is not overdue (not even an immediate case); from the day
        // after its due date on it is.
        let figures = figures(facts, clock: clock, refused: false, calendar: calendar, deadlines: deadlines, today: clock.acceptedOn)
        return KeptFigures(figures: figures, overdueAfter: clock.dueDate(calendar: calendar, today: clock.acceptedOn))
    }

    /// The counts in a fixed order (`countNames`): one stored column each.
    public var counts: [Int] {
        [cases, completed, completedOnTime, completedEarly, immediate, workingDaysTotal, withSupplement, evaluated, satisfied,
         overdueOpen, refused, denied, oneTimeNotices, followUps, followUpsClosedOnTime]
    }

    public static let countNames = [
        "cases", "completed", "completed_on_time", "completed_early", "immediate", "working_days_total", "with_supplement", "evaluated",
        "satisfied", "overdue_open", "refused", "denied", "one_time_notices", "follow_ups", "follow_ups_closed_on_time",
    ]

    /// The figures from their counts in `countNames` order (missing ones are zero).
    public init(counts: [Int]) {
        self.init()
        var values = counts.makeIterator()
        func next() -> Int { values.next() ?? 0 }
        (cases, completed, completedOnTime, completedEarly, immediate) = (next(), next(), next(), next(), next())
        (workingDaysTotal, withSupplement, evaluated, satisfied, overdueOpen) = (next(), next(), next(), next(), next())
        (refused, denied, oneTimeNotices, followUps, followUpsClosedOnTime) = (next(), next(), next(), next(), next())
    }
}

/// KeptFigures are a case's figures as a store keeps them (CaseStatistics.kept): all of them, and
/// for an open case the due date after which it counts as overdue.
public struct KeptFigures: Sendable, Equatable {
    public var figures: CaseStatistics
    public var overdueAfter: LocalDate?

    public init(figures: CaseStatistics, overdueAfter: LocalDate?) {
        self.figures = figures
        self.overdueAfter = overdueAfter
    }

    /// The figures counted on `today`.
    public func on(_ today: LocalDate) -> CaseStatistics {
        var counted = figures
        if let overdueAfter, today > overdueAfter { counted.overdueOpen = 1 }
        return counted
    }
}
