import LiandongDomain

extension NodeStore {
    /// The default life of an enrollment token: one day.
    public static let defaultEnrollmentTTL: Duration = .seconds(24 * 3600)

    /// Makes a one-time enrollment token (加入口令) for a child node below this one (`node add`).
    /// Only its SHA-256 is stored; a new token for the same code replaces an unused one.
    public func addEnrollment(code: String, role: Role, name: String, ttl: Duration = NodeStore.defaultEnrollmentTTL) throws -> EnrollmentInvitation {
        try checkChild(code: code, role: role, name: name)
        let ttlMillis = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        guard ttlMillis > 0 else { throw StoreError("invalid_ttl", "口令有效期必须大于 0") }
        let token = Hex.encode(try secureRandomBytes(32))
        let created = now()
        let invitation = EnrollmentInvitation(token: token, code: code, role: role, name: name, expiresAt: created + ttlMillis)
        try db.write { db in
            if let entry = try registryRows(db: db).first(where: { $0.code == code }) {
                if entry.isRevoked { throw StoreError.revokedNode(code) }
                if !entry.publicKey.isEmpty { throw StoreError.alreadyEnrolled(code) }
            }
            try db.run("""
                INSERT INTO enrollment_tokens (code, role, name, token_hash, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (code) DO UPDATE SET role = excluded.role, name = excluded.name, token_hash = excluded.token_hash,
                    created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL
                """, .text(code), .text(role.rawValue), .text(name), .blob(SHA256.hash(Array(token.utf8))), .integer(created),
                .integer(invitation.expiresAt))
        }
        return invitation
    }

    /// Enrolls a child with its one-time token (POST /sync/v1/enroll): checks the token (known,
    /// unexpired, unused), that code, role and name are what `node add` said, that the code is
    /// below this node and not revoked, and that no other key holds it; then records
    /// `node.registered` and marks the token used in one transaction, and answers with this node
    /// and the registry. The same child repeating a request whose answer it lost gets the same
    /// answer again, without a second registration.
    public func enroll(token: String, code: String, role: Role, name: String, publicKey: [UInt8]) throws -> EnrollmentGrant {
        guard publicKey.count == 32 else { throw StoreError("invalid_message", "公钥应为 32 字节", details: ["field": "publicKey"]) }
        return try writeRecording { db -> EnrollmentGrant in
            guard let row = try db.query("SELECT code, role, name, expires_at, used_at FROM enrollment_tokens WHERE token_hash = ?",
                                         [.blob(SHA256.hash(Array(token.utf8)))]).first,
                let tokenCode = row.text("code"), let tokenRole = row.text("role"), let tokenName = row.text("name")
            else {
                throw StoreError("invalid_token", "加入口令无效，请向上级索取新的口令（liandong node add）")
            }
            guard tokenCode == code, tokenRole == role.rawValue, tokenName == name else {
                throw StoreError("code_mismatch", "加入口令是为「\(tokenName)」（\(tokenCode)，\(tokenRole)）签发的，与本次申请的「\(name)」（\(code)，\(role.rawValue)）不符",
                                 details: ["code": tokenCode, "role": tokenRole, "name": tokenName])
            }
            let entry = try registryRows(db: db).first { $0.code == code }
            if row.int64("used_at") != nil {
                if entry?.isRevoked == true { throw StoreError.revokedNode(code) }
                // A repeat from the same key is the child retrying after a lost answer.
                guard let entry, entry.publicKey == publicKey else {
                    throw StoreError("invalid_token", "加入口令已经使用过，请向上级索取新的口令（liandong node add）")
                }
                return EnrollmentGrant(parent: ownEntry, registry: try registryRows(db: db))
            }
            guard let expires = row.int64("expires_at"), expires > now() else {
                throw StoreError("token_expired", "加入口令已过期，请向上级索取新的口令（liandong node add）")
            }
            guard NodeCode.isBelow(code, identity.code) else {
                throw StoreError("not_a_child", "节点 \(code) 不在本节点（\(identity.code)）的辖区内", details: ["code": code])
            }
            if let entry {
                if entry.isRevoked { throw StoreError.revokedNode(code) }
                if !entry.publicKey.isEmpty, entry.publicKey != publicKey { throw StoreError.alreadyEnrolled(code) }
            }
            let registration = NodeRegistration(code: code, role: role, name: name, publicKey: publicKey)
            let draft = ChangeDraft(actor: "enroll", entity: EntityName.node(code), kind: NodeKind.registered, payload: registration.json)
            _ = try recordInTransaction([draft], db: db)
            try db.run("UPDATE enrollment_tokens SET used_at = ? WHERE code = ?", .integer(now()), .text(code))
            return EnrollmentGrant(parent: ownEntry, registry: try registryRows(db: db))
        }
    }

    /// The tokens made here that no child has used yet, expired ones included, by code.
    public func pendingEnrollments() throws -> [PendingEnrollment] {
        try db.query("SELECT code, role, name, created_at, expires_at FROM enrollment_tokens WHERE used_at IS NULL ORDER BY code").compactMap { row in
            guard let code = row.text("code"), let role = row.text("role").flatMap(Role.init(rawValue:)) else { return nil }
            return PendingEnrollment(code: code, role: role, name: row.text("name") ?? "", createdAt: row.int64("created_at") ?? 0,
                                     expiresAt: row.int64("expires_at") ?? 0)
        }
    }

    /// Records this node's own registration: what `liandong init` does for a county (the root),
    /// so that every node that pulls the registry learns the root's key through the chain of trust.
    public func registerSelf() throws {
        let registration = NodeRegistration(code: identity.code, role: identity.role, name: identity.name, publicKey: identity.publicKey)
        try record(ChangeDraft(actor: "init", entity: EntityName.node(identity.code), kind: NodeKind.registered, payload: registration.json))
    }

    /// The checks `node add` makes before a token exists: a valid code for the role, a name, below this node.
    private func checkChild(code: String, role: Role, name: String) throws {
        guard NodeCode.role(of: code) == role else {
            throw StoreError("invalid_code", "节点代码 \(code) 与角色 \(role.rawValue) 不符：县 6 位、乡镇 9 位、村 12 位区划代码")
        }
        do {
            _ = try DivisionCode(validating: code)
        } catch {
            throw StoreError("invalid_code", "节点代码 \(code) 无效：\(error)")
        }
        guard !name.allSatisfy({ $0.isWhitespace }) else { throw StoreError("invalid_name", "节点名称不能为空") }
        guard NodeCode.isBelow(code, identity.code) else {
            throw StoreError("not_a_child", "节点 \(code) 不在本节点（\(identity.code)）的辖区内，只能为下级节点签发加入口令", details: ["code": code])
        }
    }
}

extension StoreError {
    static func revokedNode(_ code: String) -> StoreError {
        StoreError("revoked_node", "节点 \(code) 已被撤销，不能再加入或同步", details: ["code": code])
    }
    static func alreadyEnrolled(_ code: String) -> StoreError {
        StoreError("already_enrolled", "节点 \(code) 已用另一把公钥登记。一个节点代码终身只有一把密钥：原节点数据丢失时请从备份恢复（liandong restore）",
                   details: ["code": code])
    }
}
