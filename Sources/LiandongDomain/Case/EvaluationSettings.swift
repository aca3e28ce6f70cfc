/// EvaluationSettings are the county's 好差评 rules, a replicated setting like the calendar
/// (`settings.evaluation_set`, entity `settings`, county only, the newest by `(hlc, origin)` wins):
/// after how many natural days an unrated delivered case takes the default rating and which level
/// (DOMAIN.md: e.g. 基本满意 after 7 days), and how many working days a poor rating's follow-up
/// (回访整改) has.
public struct EvaluationSettings: Hashable, Sendable {
    public static let kind = "settings.evaluation_set"

    public var defaultAfterDays: Int
    public var defaultLevel: EvaluationLevel
    public var followUpWorkingDays: Int

    /// Before the county says otherwise: no default rating, follow-ups of 5 working days.
    public static let unset = EvaluationSettings(defaultAfterDays: 0, defaultLevel: .basicallySatisfied, followUpWorkingDays: 5)

    public init(defaultAfterDays: Int, defaultLevel: EvaluationLevel, followUpWorkingDays: Int) {
        self.defaultAfterDays = defaultAfterDays
        self.defaultLevel = defaultLevel
        self.followUpWorkingDays = followUpWorkingDays
    }

    public var json: JSONValue {
        ["defaultAfterDays": .int(Int64(defaultAfterDays)), "defaultLevel": .int(Int64(defaultLevel.rawValue)),
         "followUpWorkingDays": .int(Int64(followUpWorkingDays))]
    }

    /// Reads and checks a payload: 0 (no default rating) to 90 days; a level 1–5 that is not poor
    /// (a default never opens a follow-up nobody asked for); 1–60 working days of follow-up.
    public static func parse(_ payload: JSONValue) throws -> EvaluationSettings {
        guard case .object = payload else { throw CaseError.invalidPayload(field: "payload", reason: "应为对象") }
        let reader = PayloadReader(payload)
        let days = Int(try reader.int("defaultAfterDays"))
        guard (0...90).contains(days) else { throw reader.fail("defaultAfterDays", "默认好评天数应为 0（不设默认评价）至 90 天") }
        guard let level = EvaluationLevel(rawValue: Int(try reader.int("defaultLevel"))) else {
            throw reader.fail("defaultLevel", "默认评价等级应为 1（非常满意）至 5（非常不满意）")
        }
        guard !level.isPoor else { throw reader.fail("defaultLevel", "默认评价不能是差评（不满意、非常不满意）") }
        let followUp = Int(try reader.int("followUpWorkingDays"))
        guard (1...60).contains(followUp) else { throw reader.fail("followUpWorkingDays", "回访整改期限应为 1 至 60 个工作日") }
        return EvaluationSettings(defaultAfterDays: days, defaultLevel: level, followUpWorkingDays: followUp)
    }

    /// Whether a delivered, unrated case takes the default rating today, and only at the node that
    /// delivered it (so that it is applied once, never by two replicas).
    public func defaultRatingDue(_ state: CaseState, at node: String, today: LocalDate) -> Bool {
        guard defaultAfterDays > 0, state.status == .delivered, state.evaluation == nil, let delivery = state.delivery, delivery.by == node else {
            return false
        }
        return today >= delivery.on.adding(days: defaultAfterDays)
    }

    /// The payload of the default rating.
    public var defaultRatingPayload: JSONValue {
        ["level": .int(Int64(defaultLevel.rawValue)), "default": .bool(true), "comment": .string("逾期未评价，按县级设置默认评价")]
    }
}

extension FollowUp {
    /// The day the follow-up is due (回访整改期限), counting working days from the day after it opened.
    public func dueDate(calendar: WorkingCalendar) -> LocalDate {
        DeadlineClock(calendar: calendar).dueDate(acceptedOn: openedOn, limit: TimeLimit(days: workingDays, unit: .working), today: openedOn)
    }
}
