/// CaseStatus is where a case (办件) stands in the workflow of DESIGN §8.
public enum CaseStatus: String, Sendable, CaseIterable {
    case accepted
    case refused
    case awaitingSupplement = "awaiting_supplement"
    case preliminaryReview = "preliminary_review"
    case forwarded
    case underReview = "under_review"
    case approved
    case denied
    case resultReady = "result_ready"
    case delivered
    case withdrawn

    public var chineseName: String {
        switch self {
        case .accepted: return "受理"
        case .refused: return "不予受理"
        case .awaitingSupplement: return "补正中"
        case .preliminaryReview: return "初审"
        case .forwarded: return "上报"
        case .underReview: return "审查"
        case .approved: return "准予"
        case .denied: return "不予许可"
        case .resultReady: return "待领取"
        case .delivered: return "已送达"
        case .withdrawn: return "撤回"
        }
    }

    /// Before a decision: the time-limit clock runs and the applicant may still withdraw.
    public var isOpen: Bool {
        switch self {
        case .accepted, .awaitingSupplement, .preliminaryReview, .forwarded, .underReview: return true
        default: return false
        }
    }
}
