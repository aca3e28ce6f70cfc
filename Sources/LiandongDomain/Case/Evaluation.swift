/// EvaluationLevel is the applicant's rating (好差评). GB/T 39046 A.8 codes 非常满意 as 1 … 非常不满意 as 5;
/// some provincial APIs use the reverse order, so map by name, never by position alone.
public enum EvaluationLevel: Int, Sendable, CaseIterable {
    case verySatisfied = 1
    case satisfied = 2
    case basicallySatisfied = 3
    case dissatisfied = 4
    case veryDissatisfied = 5

    public var chineseName: String {
        switch self {
        case .verySatisfied: return "非常满意"
        case .satisfied: return "满意"
        case .basicallySatisfied: return "基本满意"
        case .dissatisfied: return "不满意"
        case .veryDissatisfied: return "非常不满意"
        }
    }

    /// The two poor levels (差评) require a return visit and rectification (回访整改).
    public var isPoor: Bool { self == .dissatisfied || self == .veryDissatisfied }

    /// Accepts the GB/T 39046 code (1…5), the Chinese name, or the English case name.
    public init?(text: String) {
        if let code = Int(text), let level = EvaluationLevel(rawValue: code) {
            self = level
            return
        }
        let names: [String: EvaluationLevel] = [
            "very_satisfied": .verySatisfied, "satisfied": .satisfied, "basically_satisfied": .basicallySatisfied,
            "dissatisfied": .dissatisfied, "very_dissatisfied": .veryDissatisfied,
        ]
        if let level = names[text] ?? EvaluationLevel.allCases.first(where: { $0.chineseName == text }) {
            self = level
        } else {
            return nil
        }
    }
}

/// Evaluation is a recorded rating and, for a poor one, its follow-up (回访整改).
public struct Evaluation: Hashable, Sendable {
    public var level: EvaluationLevel
    public var comment: String?
    public var on: LocalDate
    /// Set when the rating was made by default after the county's waiting period, not by the applicant.
    public var isDefault: Bool
    public var followUp: FollowUp?
}

/// FollowUp is the return visit a poor rating opens, with its deadline in working days.
public struct FollowUp: Hashable, Sendable {
    public var openedOn: LocalDate
    public var workingDays: Int
    public var closedOn: LocalDate?
    public var result: String?

    public init(openedOn: LocalDate, workingDays: Int, closedOn: LocalDate?, result: String?) {
        self.openedOn = openedOn
        self.workingDays = workingDays
        self.closedOn = closedOn
        self.result = result
    }
}
