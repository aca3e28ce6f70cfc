/// withdraw_vs_decision (撤回与决定并发): the village withdraws the application while the deciding
/// township or county approves or denies it, each not yet knowing of the other. Whichever sorts
/// first in `(hlc, origin, seq)` stands; the other stays in the log, not applied, and the decider
/// talks it through with the other side and the applicant (行政许可法 art. 38: a decision is made
/// on an application that stands; a withdrawn one has none).
extension CaseConflictRules {
    /// A withdrawal that sorts after a decision: the decision stands.
    static func withdrawalAfterDecision(_ change: Change, _ action: CaseAction, _ facts: Facts) -> Verdict? {
        guard action == .withdraw, let decision = facts.state.decision else { return nil }
        let standing = decision.approved ? CaseAction.approve : CaseAction.deny
        return .refuse(Refusal(
            rule: .withdrawVsDecision, with: facts.decisionRef,
            values: ["standing": .string(standing.kind), "refused": refused(change)],
            message: "\(change.origin) 的撤回与 \(decision.by) 的\(decision.approved ? "准予" : "不予许可")决定并发，决定排在前面",
            outcome: "决定有效，撤回未生效；请双方与申请人沟通", resolver: facts.state.decider))
    }

    /// A decision that sorts after a withdrawal: the withdrawal stands.
    static func decisionAfterWithdrawal(_ change: Change, _ action: CaseAction, _ facts: Facts) -> Verdict? {
        guard action == .approve || action == .deny, let withdrawal = facts.state.withdrawal else { return nil }
        return .refuse(Refusal(
            rule: .withdrawVsDecision, with: facts.withdrawalRef,
            values: ["standing": .string(CaseAction.withdraw.kind), "refused": refused(change)],
            message: "\(change.origin) 的决定与 \(withdrawal.by) 的撤回并发，撤回排在前面",
            outcome: "撤回有效，决定未生效；请双方与申请人沟通", resolver: facts.state.decider))
    }
}
