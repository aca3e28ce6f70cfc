/// StaffPermission is everything a workbench page or action can ask for; `roles` is the one
/// table saying who may. Every page and every POST is checked against it at the server: a
/// hidden button is not a permission (等保 2.0 访问控制).
public enum StaffPermission: String, Sendable, CaseIterable {
    // Pages
    case viewQueue = "page.queue"
    case viewCase = "page.case"
    case viewBoard = "page.board"
    case viewStats = "page.stats"
    case viewSync = "page.sync"
    case viewConflicts = "page.conflicts"
    case viewQuarantine = "page.quarantine"
    case viewUnmasked = "view.unmasked"
    case exportStats = "export.stats"
    case printDocument = "print.document"
    // Case work
    case accept = "case.accept"
    case refuse = "case.refuse"
    case oneTimeNotice = "case.one_time_notice"
    case recordSupplement = "case.supplement"
    case deliver = "case.deliver"
    case evaluate = "case.evaluate"
    case closeFollowUp = "case.follow_up"
    case issue = "case.issue"
    case updateContact = "case.update_contact"
    case withdraw = "case.withdraw"
    case review = "case.review"
    case forward = "case.forward"
    case approve = "case.approve"
    case deny = "case.deny"
    case requestSupplement = "case.request_supplement"
    case extend = "case.extend"
    case specialProcedure = "case.special_procedure"
    case transfer = "case.transfer"
    /// 否定备案: the county orders a refused or denied case handled again.
    case rehandle = "case.rehandle"
    /// Attaching a file to a case: whoever works the case at this node.
    case attach = "case.attach"
    case resolveConflict = "conflict.resolve"
    case retryQuarantine = "quarantine.retry"
    // Administration
    case manageStaff = "admin.staff"
    case manageCatalog = "admin.catalog"
    case manageCalendar = "admin.calendar"
    case manageNodes = "admin.nodes"
    // Audit
    case readAudit = "audit.read"

    /// The roles that hold this permission. The auditor appears only on `readAudit`, and only there.
    public var roles: Set<StaffRole> {
        switch self {
        case .viewQueue, .viewCase, .viewBoard, .viewStats, .viewSync, .printDocument: return [.acceptor, .reviewer, .approver, .admin]
        case .viewConflicts, .viewQuarantine: return [.reviewer, .approver, .admin]
        case .viewUnmasked: return [.acceptor, .approver]
        case .exportStats: return [.approver, .admin]
        case .accept, .refuse, .oneTimeNotice, .recordSupplement, .deliver, .evaluate, .closeFollowUp, .updateContact, .withdraw:
            return [.acceptor]
        // 出件: issuing the result is the window's job at the node where the result is made.
        case .issue: return [.acceptor, .approver]
        case .review, .forward: return [.reviewer]
        case .approve, .deny, .requestSupplement, .extend, .specialProcedure, .transfer, .rehandle: return [.approver]
        case .attach: return [.acceptor, .reviewer, .approver]
        case .resolveConflict: return [.approver]
        case .retryQuarantine: return [.admin]
        case .manageStaff, .manageCatalog, .manageCalendar, .manageNodes: return [.admin]
        case .readAudit: return [.auditor]
        }
    }

    /// True when any of `held` grants this permission.
    public func isGranted(to held: Set<StaffRole>) -> Bool { !roles.isDisjoint(with: held) }

    /// The permission a case workflow action needs.
    public init(_ action: CaseAction) {
        switch action {
        case .accept: self = .accept
        case .refuse: self = .refuse
        case .requestSupplement: self = .requestSupplement
        case .recordSupplement: self = .recordSupplement
        case .review: self = .review
        case .forward: self = .forward
        case .approve: self = .approve
        case .deny: self = .deny
        case .issue: self = .issue
        case .deliver: self = .deliver
        case .evaluate: self = .evaluate
        case .closeFollowUp: self = .closeFollowUp
        case .withdraw: self = .withdraw
        case .extend: self = .extend
        case .startSpecialProcedure, .endSpecialProcedure: self = .specialProcedure
        case .transfer: self = .transfer
        case .updateContact: self = .updateContact
        case .rehandle: self = .rehandle
        case .attach: self = .attach
        }
    }

    /// The case actions a staff member holding `held` may take on a case in `status`: the
    /// state machine's allowance intersected with the permission table.
    public static func caseActions(for held: Set<StaffRole>, in status: CaseStatus) -> [CaseAction] {
        // Attaching is a file upload, not a button of the workflow.
        CaseAction.allowed(in: status).filter { $0 != .attach && StaffPermission($0).isGranted(to: held) }
    }
}
