/// StaffRole is a job a staff member holds at a node (工作台岗位). A member may hold several.
/// What each role may do is the permission table (StaffPermission.swift), never scattered `if`s.
public enum StaffRole: String, Sendable, CaseIterable, Comparable {
    /// 受理员: accepts, refuses, records supplements, delivers, records evaluations, one-time notices.
    case acceptor
    /// 审查员: preliminary review (初审) and forwarding up.
    case reviewer
    /// 审批员: approves, denies, requests supplements, extends, special procedures, transfers.
    case approver
    /// 管理员: staff, catalog, calendar, nodes. Cannot read the audit trail.
    case admin
    /// 审计员: reads the audit trail and nothing else (等保 2.0 三权分立: 系统管理、审计分离).
    case auditor

    public var chineseName: String {
        switch self {
        case .acceptor: return "受理员"
        case .reviewer: return "审查员"
        case .approver: return "审批员"
        case .admin: return "管理员"
        case .auditor: return "审计员"
        }
    }

    /// Accepts the code name or the Chinese name.
    public init?(text: String) {
        if let role = StaffRole(rawValue: text) {
            self = role
        } else if let role = StaffRole.allCases.first(where: { $0.chineseName == text }) {
            self = role
        } else {
            return nil
        }
    }

    /// Parses "acceptor,reviewer" (or Chinese names, or 、/，separators); nil names the first unknown role.
    public static func parseList(_ text: String) -> Result<Set<StaffRole>, StaffRoleError> {
        var roles = Set<StaffRole>()
        for part in text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0 == " " }) {
            guard let role = StaffRole(text: String(part)) else { return .failure(StaffRoleError(unknown: String(part))) }
            roles.insert(role)
        }
        if roles.isEmpty { return .failure(StaffRoleError(unknown: text)) }
        return .success(roles)
    }

    /// Why a set of roles cannot be held by one person, or nil: none at all, or 管理员 with 审计员 —
    /// the administrator must not read the trail of what administrators did (等保 2.0 三权分立,
    /// GB/T 22239-2019 8.1.4.2 安全审计: 审计员与系统管理员分离).
    public static func conflict(in roles: Set<StaffRole>) -> String? {
        if roles.isEmpty { return "至少要有一个岗位" }
        if roles.contains(.admin) && roles.contains(.auditor) { return "管理员与审计员须由不同的人担任（三权分立），不能同时勾选" }
        return nil
    }

    /// A stable text form for storage: code names sorted, comma-separated.
    public static func storageText(_ roles: Set<StaffRole>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }

    private var order: Int { StaffRole.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: StaffRole, b: StaffRole) -> Bool { a.order < b.order }
}

/// StaffRoleError names a role that is not one of the five.
public struct StaffRoleError: Error, Sendable, Equatable {
    public let unknown: String
    public var message: String { "未知岗位「\(unknown)」，应为 受理员(acceptor)、审查员(reviewer)、审批员(approver)、管理员(admin)、审计员(auditor)" }
}
