/// history_pending (等待受理记录): changes of a case can reach a node before the case's acceptance
/// (they travelled another path, or the acceptance is still in a push behind them). They are kept,
/// not refused, and a record says what they wait for; when the acceptance arrives it applies them
/// in order. One that sorts before the acceptance (a clock gone wrong) cannot apply: it is refused
/// as stale then.
///
/// Asked while the case has no state (CaseHistory.apply), before the rules that judge a change on
/// a state (`rules`).
extension CaseConflictRules {
    /// Whether a change waits for its case's acceptance: any change but a creation, while there is no state.
    public static func waitsForAcceptance(_ action: CaseAction, on state: CaseState?) -> Bool {
        state == nil && action != .accept && action != .refuse
    }

    /// The record while changes wait (nil when none does): what they wait for and how many.
    public static func historyPending(_ number: String, waiting: [ChangeRef]) -> ConflictRecord? {
        guard !waiting.isEmpty else { return nil }
        return ConflictRecord(
            rule: .historyPending, cases: [number], changes: waiting,
            values: ["waitingFor": .string(CaseAction.accept.kind), "count": .int(Int64(waiting.count))],
            message: "办件 \(number) 有 \(waiting.count) 个变更先于其受理记录到达，已保留",
            outcome: "受理记录到达后自动按顺序应用，无需处理", resolver: "")
    }

    /// A change that waited but sorts before the acceptance that arrived: refused as stale, for the
    /// node now holding the case.
    public static func waitedBeforeAcceptance(_ waiting: ChangeRef, holder: String) -> Refusal {
        Refusal(rule: .staleTransition, values: ["reason": "before_acceptance"],
                message: "变更 \(waiting.id) 排在受理之前，无法应用", resolver: holder)
    }
}
