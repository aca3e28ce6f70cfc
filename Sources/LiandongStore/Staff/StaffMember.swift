import LiandongDomain

/// StaffMember is one workbench account at this node, without its secrets.
public struct StaffMember: Sendable, Equatable {
    public var login: String
    public var name: String
    public var roles: Set<StaffRole>
    public var mustChangePassword: Bool
    public var disabled: Bool
    public var lockedUntil: Int64?
    public var hasTOTP: Bool
    public var createdAt: Int64

    public var json: JSONValue {
        ["login": .string(login), "name": .string(name), "roles": .strings(roles.sorted().map(\.rawValue)),
         "mustChangePassword": .bool(mustChangePassword), "disabled": .bool(disabled), "lockedUntil": lockedUntil.map { .int($0) } ?? .null,
         "totp": .bool(hasTOTP), "createdAt": .int(createdAt)]
    }

    public var rolesText: String { roles.sorted().map(\.chineseName).joined(separator: "、") }
}

/// LoginOutcome is what a login attempt came to; every one is audited.
public enum LoginOutcome: Sendable, Equatable {
    case success(StaffMember)
    /// Unknown login or wrong password: the page says the same for both.
    case wrongPassword
    case locked(minutes: Int)
    case disabled
    /// The password was right; this account needs its TOTP code.
    case needsCode
    case wrongCode
    /// The node requires a second factor for this account's roles and it has none yet.
    case needsSecondFactorSetup

    public var auditOutcome: String {
        switch self {
        case .success: return "ok"
        case .wrongPassword: return "wrong_password"
        case .locked: return "locked"
        case .disabled: return "disabled"
        case .needsCode: return "needs_code"
        case .wrongCode: return "wrong_code"
        case .needsSecondFactorSetup: return "totp_required"
        }
    }
}

/// StaffSession is a live workbench session.
public struct StaffSession: Sendable {
    public var member: StaffMember
    public var csrf: String
    public var tokenHash: [UInt8]
}
