/// LoginLockout is the rule for repeated failed logins (等保 2.0 8.1.4.1 b: 登录失败处理): after
/// `maxFailures` consecutive failures the account is locked for `lockMillis`; a success resets
/// the count. Pure: the store keeps the count and the lock time, this decides.
public struct LoginLockout: Sendable, Equatable {
    public var maxFailures: Int
    public var lockMillis: Int64

    public init(maxFailures: Int = 5, lockMillis: Int64 = 15 * 60 * 1000) {
        self.maxFailures = maxFailures
        self.lockMillis = lockMillis
    }

    /// An account's failure record as stored.
    public struct Record: Sendable, Equatable {
        public var failures: Int
        public var lockedUntil: Int64?

        public init(failures: Int = 0, lockedUntil: Int64? = nil) {
            self.failures = failures
            self.lockedUntil = lockedUntil
        }
    }

    /// True while the account is locked at `now`.
    public func isLocked(_ record: Record, now: Int64) -> Bool {
        guard let until = record.lockedUntil else { return false }
        return now < until
    }

    /// The record after a failed password at `now`: the count grows and, on reaching the limit,
    /// the lock starts (and the count starts again after it).
    public func failed(_ record: Record, now: Int64) -> Record {
        var next = record
        if let until = record.lockedUntil, now >= until {
            next = Record()
        }
        next.failures += 1
        if next.failures >= maxFailures {
            next.lockedUntil = now + lockMillis
            next.failures = 0
        }
        return next
    }

    /// The record after a successful login.
    public func succeeded(_ record: Record) -> Record { Record() }

    /// Whole minutes until the lock ends (at least 1 while locked).
    public func minutesLeft(_ record: Record, now: Int64) -> Int {
        guard let until = record.lockedUntil, now < until else { return 0 }
        return Int((until - now + 59_999) / 60_000)
    }
}

/// SecondFactorRule is the node's choice to require TOTP (RFC 6238) for the roles that change what
/// others rely on: 管理员 and 审批员 (等保 2.0 8.1.4.1 d: 两种或两种以上组合的鉴别技术).
public struct SecondFactorRule: Sendable, Equatable {
    public var required: Bool
    public static let roles: Set<StaffRole> = [.admin, .approver]

    public init(required: Bool) { self.required = required }

    /// True when an account with `roles` must have a TOTP secret before it may log in.
    public func demandsCode(from roles: Set<StaffRole>) -> Bool {
        required && !roles.isDisjoint(with: SecondFactorRule.roles)
    }
}
