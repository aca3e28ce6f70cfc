/// decision_final (决定为终局): once the deciding node has approved or denied, an edit of the
/// application by another node that sorts after the decision (a supplement asked for or received,
/// a review, a forward, an extension, a special procedure, a transfer) does not change it. The
/// edit stays in the log, not applied, and the county reviews it.
extension CaseConflictRules {
    /// Actions that edit the application.
    static let applicationEdits: Set<CaseAction> = [
        .requestSupplement, .recordSupplement, .review, .forward, .extend, .startSpecialProcedure, .endSpecialProcedure, .transfer,
    ]

    /// An edit of the application by a node other than the decider, after the decision.
    static func editAfterDecision(_ change: Change, _ action: CaseAction, _ facts: Facts) -> Verdict? {
        guard applicationEdits.contains(action), let decision = facts.state.decision, change.origin != decision.by else { return nil }
        return .refuse(Refusal(
            rule: .decisionFinal, with: facts.decisionRef,
            values: ["decision": .string(decision.approved ? "approved" : "denied"), "decidedBy": .string(decision.by), "refused": refused(change)],
            message: "\(decision.by) 已作出\(decision.approved ? "准予" : "不予许可")决定，\(change.origin) 的「\(action.chineseName)」与之并发、排在其后",
            outcome: "决定为终局，该修改保留在日志中未生效，请县级复核", resolver: facts.root))
    }
}
