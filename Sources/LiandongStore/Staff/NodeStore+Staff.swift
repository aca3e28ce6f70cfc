import LiandongDomain

extension NodeStore {
    static let loginPattern = #"^[A-Za-z0-9_.-]{2,32}$"#

    /// Adds an account. The password must meet the policy unless `oneTime` (a generated password
    /// that must be changed at first login).
    public func addStaff(login: String, name: String, roles: Set<StaffRole>, password: String, mustChange: Bool,
                         policy: PasswordPolicy = PasswordPolicy()) throws {
        guard login.range(of: NodeStore.loginPattern, options: .regularExpression) != nil else {
            throw StoreError("invalid_login", "登录名「\(login)」应为 2–32 位字母、数字、点、下划线或连字符")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError("invalid_name", "姓名不能为空") }
        if let conflict = StaffRole.conflict(in: roles) { throw StoreError("invalid_roles", conflict) }
        if let violation = policy.check(password, login: login) { throw StoreError(violation.code, violation.message) }
        let salt = try secureRandomBytes(16)
        let hash = try PasswordHash.derive(password: password, salt: salt, iterations: PasswordHash.defaultIterations)
        try db.write { db in
            guard try db.scalarInt("SELECT count(*) FROM staff WHERE login = ?", [.text(login)]) == 0 else {
                throw StoreError("staff_exists", "登录名 \(login) 已存在")
            }
            try db.run("""
                INSERT INTO staff (login, name, roles, salt, password_hash, iterations, must_change, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, .text(login), .text(name), .text(StaffRole.storageText(roles)), .blob(salt), .blob(hash),
                .integer(Int64(PasswordHash.defaultIterations)), .integer(mustChange ? 1 : 0), .integer(now()))
        }
    }

    public func staffMembers() throws -> [StaffMember] {
        try db.query("SELECT * FROM staff ORDER BY login").map(NodeStore.member)
    }

    public func staffMember(_ login: String) throws -> StaffMember? {
        try db.query("SELECT * FROM staff WHERE login = ?", [.text(login)]).first.map(NodeStore.member)
    }

    static func member(_ row: Row) -> StaffMember {
        let roles = Set((row.text("roles") ?? "").split(separator: ",").compactMap { StaffRole(rawValue: String($0)) })
        return StaffMember(login: row.text("login") ?? "", name: row.text("name") ?? "", roles: roles,
                           mustChangePassword: row.int64("must_change") == 1, disabled: row.int64("disabled") == 1,
                           lockedUntil: row.int64("locked_until"), hasTOTP: row.text("totp_secret") != nil, createdAt: row.int64("created_at") ?? 0)
    }

    func requireStaff(_ login: String) throws -> StaffMember {
        guard let member = try staffMember(login) else { throw StoreError("unknown_staff", "没有登录名为 \(login) 的工作人员") }
        return member
    }

    /// Disables or enables an account; disabling ends its sessions.
    public func setStaffDisabled(_ login: String, _ disabled: Bool) throws {
        _ = try requireStaff(login)
        try db.write { db in
            try db.run("UPDATE staff SET disabled = ?, failures = 0, locked_until = NULL WHERE login = ?", .integer(disabled ? 1 : 0), .text(login))
            if disabled { try db.run("UPDATE staff_sessions SET ended_at = ? WHERE login = ? AND ended_at IS NULL", .integer(now()), .text(login)) }
        }
    }

    /// Replaces the roles of an account.
    public func setStaffRoles(_ login: String, _ roles: Set<StaffRole>) throws {
        _ = try requireStaff(login)
        if let conflict = StaffRole.conflict(in: roles) { throw StoreError("invalid_roles", conflict) }
        try db.write { db in try db.run("UPDATE staff SET roles = ? WHERE login = ?", .text(StaffRole.storageText(roles)), .text(login)) }
    }

    /// Sets a new password (checked against the policy); `mustChange` for one an administrator set.
    public func setStaffPassword(_ login: String, _ password: String, mustChange: Bool, policy: PasswordPolicy = PasswordPolicy()) throws {
        _ = try requireStaff(login)
        if let violation = policy.check(password, login: login) { throw StoreError(violation.code, violation.message) }
        let salt = try secureRandomBytes(16)
        let hash = try PasswordHash.derive(password: password, salt: salt, iterations: PasswordHash.defaultIterations)
        try db.write { db in
            try db.run("""
                UPDATE staff SET salt = ?, password_hash = ?, iterations = ?, must_change = ?, failures = 0, locked_until = NULL
                WHERE login = ?
                """, .blob(salt), .blob(hash), .integer(Int64(PasswordHash.defaultIterations)), .integer(mustChange ? 1 : 0), .text(login))
        }
    }

    /// Gives an account a new TOTP secret (RFC 6238) and returns it in Base32 for the authenticator app.
    public func enableStaffTOTP(_ login: String) throws -> String {
        _ = try requireStaff(login)
        let secret = Base32.encode(try secureRandomBytes(20))
        try db.write { db in try db.run("UPDATE staff SET totp_secret = ? WHERE login = ?", .text(secret), .text(login)) }
        return secret
    }

    /// Checks a login: lockout first, then the password (PBKDF2, constant-time compare), then the
    /// TOTP code when the account has one. Failures count towards the lockout; success resets it.
    public func authenticate(login: String, password: String, code: String?, lockout: LoginLockout = LoginLockout()) throws -> LoginOutcome {
        guard let row = try db.query("SELECT * FROM staff WHERE login = ?", [.text(login)]).first else {
            // The same work as a real check, so that timing does not tell which logins exist.
            _ = try PasswordHash.derive(password: password, salt: Array(login.utf8), iterations: PasswordHash.defaultIterations)
            return .wrongPassword
        }
        let member = NodeStore.member(row)
        let instant = now()
        var record = LoginLockout.Record(failures: Int(row.int64("failures") ?? 0), lockedUntil: row.int64("locked_until"))
        if lockout.isLocked(record, now: instant) { return .locked(minutes: lockout.minutesLeft(record, now: instant)) }
        if member.disabled { return .disabled }
        let derived = try PasswordHash.derive(password: password, salt: row.blob("salt") ?? [], iterations: Int(row.int64("iterations") ?? 1))
        var outcome: LoginOutcome = .success(member)
        if !PasswordHash.equal(derived, row.blob("password_hash") ?? []) {
            outcome = .wrongPassword
        } else if row.text("totp_secret") == nil, try secondFactorRule().demandsCode(from: member.roles) {
            return .needsSecondFactorSetup
        } else if let secret = row.text("totp_secret"), let key = Base32.decode(secret) {
            let totp = TOTP(secret: key, mac: { HMAC.sha1(key: $0, message: $1) })
            if let code, !code.isEmpty {
                if !totp.verify(code, unixSeconds: instant / 1000) { outcome = .wrongCode }
            } else {
                return .needsCode
            }
        }
        switch outcome {
        case .success:
            record = lockout.succeeded(record)
        default:
            record = lockout.failed(record, now: instant)
            if lockout.isLocked(record, now: instant) { outcome = .locked(minutes: lockout.minutesLeft(record, now: instant)) }
        }
        try db.write { db in
            try db.run("UPDATE staff SET failures = ?, locked_until = ? WHERE login = ?", .integer(Int64(record.failures)),
                       record.lockedUntil.map { .integer($0) } ?? .null, .text(login))
        }
        return outcome
    }

    /// Whether this node requires TOTP for 管理员 and 审批员 (settings key `workbench.require_totp`).
    public func secondFactorRule() throws -> SecondFactorRule {
        let value = try db.query("SELECT value FROM settings WHERE key = 'workbench.require_totp'").first?.text("value")
        return SecondFactorRule(required: value == "1")
    }

    public func setSecondFactorRequired(_ required: Bool) throws {
        try db.write { db in
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('workbench.require_totp', ?)", .text(required ? "1" : "0"))
        }
    }

    // MARK: Sessions

    /// Starts a session: returns the cookie token (random, 32 bytes; only its SHA-256 is stored).
    public func startSession(login: String) throws -> String {
        let token = Hex.encode(try secureRandomBytes(32))
        let csrf = Hex.encode(try secureRandomBytes(24))
        let instant = now()
        try db.write { db in
            try db.run("INSERT INTO staff_sessions (token_hash, login, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                       .blob(SHA256.hash(Array(token.utf8))), .text(login), .text(csrf), .integer(instant), .integer(instant))
        }
        return token
    }

    /// The live session of a cookie token, touched (idle time restarts); nil when unknown, ended,
    /// idle past the rule or its account is disabled.
    public func session(token: String, rule: SessionRule = SessionRule(), touch: Bool = true) throws -> StaffSession? {
        guard !token.isEmpty else { return nil }
        let hash = SHA256.hash(Array(token.utf8))
        guard let row = try db.query("SELECT login, csrf, last_seen, ended_at FROM staff_sessions WHERE token_hash = ?", [.blob(hash)]).first,
            let login = row.text("login"), let member = try staffMember(login), !member.disabled
        else { return nil }
        let instant = now()
        guard rule.isAlive(lastSeen: row.int64("last_seen") ?? 0, endedAt: row.int64("ended_at"), now: instant) else { return nil }
        if touch {
            try db.write { db in try db.run("UPDATE staff_sessions SET last_seen = ? WHERE token_hash = ?", .integer(instant), .blob(hash)) }
        }
        return StaffSession(member: member, csrf: row.text("csrf") ?? "", tokenHash: hash)
    }

    public func endSession(token: String) throws {
        let hash = SHA256.hash(Array(token.utf8))
        try db.write { db in
            try db.run("UPDATE staff_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL", .integer(now()), .blob(hash))
        }
    }

    // MARK: Idempotent forms

    /// The case a form token already made, if any.
    public func caseMade(byFormToken token: String) throws -> String? {
        try db.query("SELECT case_number FROM form_tokens WHERE token = ?", [.text(token)]).first?.text("case_number")
    }

    public func noteFormToken(_ token: String, caseNumber: String) throws {
        try db.write { db in
            try db.run("INSERT OR IGNORE INTO form_tokens (token, case_number, created_at) VALUES (?, ?, ?)",
                       .text(token), .text(caseNumber), .integer(now()))
        }
    }
}
