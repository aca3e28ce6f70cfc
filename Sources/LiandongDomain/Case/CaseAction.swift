/// CaseAction is one kind of case change: its log kind, its CLI verb, and the rule of who may make it.
/// Which actions a status allows and who may take them is data here, not `if`s scattered in handlers.
public enum CaseAction: String, Sendable, CaseIterable {
    case accept = "case.accepted"
    case refuse = "case.refused"
    case requestSupplement = "case.supplement_requested"
    case recordSupplement = "case.supplement_received"
    case review = "case.reviewed"
    case forward = "case.forwarded"
    case approve = "case.approved"
    case deny = "case.denied"
    case issue = "case.result_issued"
    case deliver = "case.delivered"
    case evaluate = "case.evaluated"
    case closeFollowUp = "case.follow_up_closed"
    case withdraw = "case.withdrawn"
    case extend = "case.extended"
    case startSpecialProcedure = "case.special_procedure_started"
    case endSpecialProcedure = "case.special_procedure_ended"
    case transfer = "case.transferred"
    case updateContact = "case.contact_updated"
    /// 责令重新办理: the county orders a refused or denied case handled again (否定备案 review).
    case rehandle = "case.rehandle_ordered"
    /// A file (a page of a material) attached to the case; the blob travels on its own lane.
    case attach = "case.attached"

    /// Who may make a change of this kind (checked against the origin's node code).
    public enum Party: String, Sendable {
        /// A node whose role the item lists in `acceptAt`.
        case acceptingRole
        /// The node the case currently sits at.
        case holder
        /// The node holding approval power for the item.
        case decider
        /// The decider or a node between it and the node where the applicant collects.
        case resultPath
        /// Any node that is a party of the case.
        case anyParty
        /// The county the case belongs to (the 6-digit ancestor of the accepting node).
        case county
    }

    public var kind: String { rawValue }

    public var verb: String {
        switch self {
        case .accept: return "accept"
        case .refuse: return "refuse"
        case .requestSupplement: return "request-supplement"
        case .recordSupplement: return "supplement"
        case .review: return "review"
        case .forward: return "forward"
        case .approve: return "approve"
        case .deny: return "deny"
        case .issue: return "issue"
        case .deliver: return "deliver"
        case .evaluate: return "evaluate"
        case .closeFollowUp: return "follow-up"
        case .withdraw: return "withdraw"
        case .extend: return "extend"
        case .startSpecialProcedure: return "special-start"
        case .endSpecialProcedure: return "special-end"
        case .transfer: return "transfer"
        case .updateContact: return "update-contact"
        case .rehandle: return "rehandle"
        case .attach: return "attach"
        }
    }

    public var chineseName: String {
        switch self {
        case .accept: return "受理"
        case .refuse: return "不予受理"
        case .requestSupplement: return "补正告知"
        case .recordSupplement: return "补正材料"
        case .review: return "审查"
        case .forward: return "上报"
        case .approve: return "准予"
        case .deny: return "不予许可"
        case .issue: return "出件"
        case .deliver: return "送达"
        case .evaluate: return "评价"
        case .closeFollowUp: return "回访整改"
        case .withdraw: return "撤回"
        case .extend: return "延期"
        case .startSpecialProcedure: return "特别程序开始"
        case .endSpecialProcedure: return "特别程序结束"
        case .transfer: return "转办"
        case .updateContact: return "修改联系方式"
        case .rehandle: return "责令重新办理"
        case .attach: return "上传材料"
        }
    }

    public var party: Party {
        switch self {
        case .accept, .refuse: return .acceptingRole
        case .requestSupplement, .review, .forward, .transfer: return .holder
        case .approve, .deny, .extend, .startSpecialProcedure, .endSpecialProcedure: return .decider
        case .issue, .deliver, .evaluate: return .resultPath
        case .recordSupplement, .withdraw, .updateContact, .closeFollowUp, .attach: return .anyParty
        case .rehandle: return .county
        }
    }

    /// The statuses in which this action may be taken; creation actions have none.
    public var allowedFrom: Set<CaseStatus> {
        switch self {
        case .accept, .refuse: return []
        case .requestSupplement: return [.accepted, .preliminaryReview, .forwarded, .underReview]
        case .recordSupplement: return [.awaitingSupplement]
        case .review: return [.accepted, .forwarded]
        case .forward: return [.accepted, .preliminaryReview, .forwarded]
        case .approve, .deny: return [.accepted, .forwarded, .underReview]
        case .issue: return [.approved, .denied]
        case .deliver: return [.resultReady]
        case .evaluate: return [.delivered]
        case .closeFollowUp: return [.delivered]
        case .withdraw: return [.accepted, .awaitingSupplement, .preliminaryReview, .forwarded, .underReview]
        case .extend, .startSpecialProcedure, .endSpecialProcedure: return [.accepted, .forwarded, .underReview, .preliminaryReview]
        case .transfer: return [.accepted, .preliminaryReview, .forwarded, .underReview]
        case .updateContact: return Set(CaseStatus.allCases).subtracting([.refused, .withdrawn, .delivered])
        // A denied case whose result is issued is still a denial (the transition checks the decision).
        case .rehandle: return [.refused, .denied, .resultReady]
        // Materials may come in (a scan, a page the review asked for) until the case is over.
        case .attach: return Set(CaseStatus.allCases).subtracting([.refused, .withdrawn, .delivered])
        }
    }

    /// The actions a case in `status` allows, in a stable order (for "allowed: …" in errors).
    public static func allowed(in status: CaseStatus) -> [CaseAction] {
        allCases.filter { $0.allowedFrom.contains(status) }
    }

    /// The actions this case allows: as `allowed(in:)`, without re-handling an approval.
    public static func allowed(for state: CaseState) -> [CaseAction] {
        allowed(in: state.status).filter { $0 != .rehandle || state.status != .resultReady || state.decision?.approved == false }
    }

    public init?(kind: String) { self.init(rawValue: kind) }
}
