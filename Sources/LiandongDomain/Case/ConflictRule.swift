/// ConflictRule names why a change was not applied as made, or why two facts need a person's look
/// (DESIGN §6). The codes are stable: they appear in `conflicts list --json`, in conflict ids and in
/// Protocol/conflicts.md, and never change meaning.
public enum ConflictRule: String, Sendable, CaseIterable {
    /// The deciding node's approval or denial stands; a concurrent lower-tier edit after it is not applied.
    case decisionFinal = "decision_final"
    /// A withdrawal and a decision made concurrently: whichever sorts first stands.
    case withdrawVsDecision = "withdraw_vs_decision"
    /// Two concurrent writes of a contact field: the later in `(hlc, origin)` wins, the loser is kept here.
    case fieldLastWriter = "field_last_writer"
    /// Materials received after their supplement round closed: added anyway (an add-only set).
    case materialAddOnly = "material_add_only"
    /// The same applicant (ID number) and item open at two cases at once.
    case possibleDuplicate = "possible_duplicate"
    /// The case was accepted under an item version older than one the county had already published.
    case itemVersionAtAcceptance = "item_version_at_acceptance"
    /// Changes of a case held before its acceptance: kept, applied when it arrives.
    case historyPending = "history_pending"
    /// A change made on a state that a concurrent change had already moved on.
    case staleTransition = "stale_transition"
    /// The origin had no authority for the change at its place in the order.
    case notAuthorized = "not_authorized"
    /// The payload does not say what its kind needs.
    case invalidPayload = "invalid_payload"
    /// A kind this version does not know: kept for a newer version.
    case unknownKind = "unknown_kind"

    public var chineseName: String {
        switch self {
        case .decisionFinal: return "决定为终局"
        case .withdrawVsDecision: return "撤回与决定并发"
        case .fieldLastWriter: return "字段后写为准"
        case .materialAddOnly: return "材料只增不减"
        case .possibleDuplicate: return "疑似重复申请"
        case .itemVersionAtAcceptance: return "以受理时事项版本为准"
        case .historyPending: return "等待受理记录"
        case .staleTransition: return "状态已变化"
        case .notAuthorized: return "无权操作"
        case .invalidPayload: return "数据无效"
        case .unknownKind: return "未知变更类型"
        }
    }

    /// Whether staff can resolve it; a pending history settles by itself when the acceptance arrives.
    public var isResolvable: Bool { self != .historyPending }
}

/// The change kind of a resolution (`liandong conflicts resolve`): entity = the case number, parties =
/// the case's parties, payload `{"conflict": ID, "rule": CODE, "note": TEXT, "keep": VALUE?}`.
public enum ConflictKind {
    public static let resolved = "conflict.resolved"
}
