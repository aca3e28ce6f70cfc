/// WorkQueue is one 待办 list: what a staff member in a role must do next, by case status.
public enum WorkQueue: String, Sendable, CaseIterable {
    case toReview = "review"
    case toDecide = "decide"
    case awaitingSupplement = "supplement"
    case toIssue = "issue"
    case toDeliver = "deliver"
    case followUp = "follow_up"

    public var chineseName: String {
        switch self {
        case .toReview: return "待初审/上报"
        case .toDecide: return "待决定"
        case .awaitingSupplement: return "待补正"
        case .toIssue: return "待出件"
        case .toDeliver: return "待送达"
        case .followUp: return "回访整改"
        }
    }

    /// The statuses whose cases sit in this queue.
    public var statuses: [CaseStatus] {
        switch self {
        case .toReview: return [.accepted, .preliminaryReview, .forwarded]
        case .toDecide: return [.accepted, .forwarded, .underReview]
        case .awaitingSupplement: return [.awaitingSupplement]
        case .toIssue: return [.approved, .denied]
        case .toDeliver: return [.resultReady]
        case .followUp: return [.delivered]
        }
    }

    /// The permission that makes this queue someone's work.
    public var permission: StaffPermission {
        switch self {
        case .toReview: return .forward
        case .toDecide: return .approve
        case .awaitingSupplement: return .recordSupplement
        case .toIssue: return .issue
        case .toDeliver: return .deliver
        case .followUp: return .closeFollowUp
        }
    }

    /// The queues a staff member with `held` works, in this order.
    public static func queues(for held: Set<StaffRole>) -> [WorkQueue] {
        allCases.filter { $0.permission.isGranted(to: held) }
    }

    /// Urgency order: overdue first, then due soon, then by fewest days left; cases without a
    /// limit last. Ties keep the older case first.
    public static func moreUrgent(_ a: (status: DeadlineStatus, daysLeft: Int?), than b: (status: DeadlineStatus, daysLeft: Int?)) -> Bool {
        func rank(_ s: DeadlineStatus) -> Int { s == .overdue ? 0 : s == .dueSoon ? 1 : 2 }
        if rank(a.status) != rank(b.status) { return rank(a.status) < rank(b.status) }
        switch (a.daysLeft, b.daysLeft) {
        case let (x?, y?): return x < y
        case (_?, nil): return true
        default: return false
        }
    }
}
