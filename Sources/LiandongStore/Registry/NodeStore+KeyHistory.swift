import LiandongDomain

/// OriginKeys is what a store keeps of one origin's key history to check signatures: the history
/// (LiandongDomain's KeyHistory decides which key signs which seq) and each epoch's key, parsed once.
struct OriginKeys {
    var history: KeyHistory
    var keys: [Ed25519PublicKey?]

    /// The key that signs the origin's new changes.
    var current: Ed25519PublicKey? { keys.last ?? nil }

    func judge(_ change: Change) -> SignatureJudgement {
        history.judge(seq: change.seq) { keys[$0]?.isValidSignature(change.sig, for: change.hash) == true }
    }

    /// The epoch a seq falls in: a run of changes is checked by its last signature only within one epoch.
    func epoch(of seq: Int64) -> Int { history.epochIndex(forSeq: seq) ?? -1 }
}

/// The key history of node codes (`node.rekeyed`, issue 13 item 5): a node that lost its key with no
/// backup is re-enrolled by its parent (`node rekey`), which records the new key and the seq from
/// which it signs; the old chain stays valid under the old key.
extension NodeStore {
    /// The keys of an origin as held here, or nil when none is known. This node's own chain without
    /// any re-key is signed by its identity key.
    func originKeys(of origin: String) -> OriginKeys? {
        if let cached = verifyingKeys[origin] { return cached }
        guard let history = try? keyHistory(of: origin, db: db) else { return nil }
        let keys = OriginKeys(history: history, keys: history.epochs.map { try? Ed25519PublicKey($0.publicKey) })
        verifyingKeys[origin] = keys
        return keys
    }

    /// The key history of a code: its registered key and its re-keys.
    func keyHistory(of code: String, db: Database) throws -> KeyHistory? {
        let rekeys = try db.query("SELECT from_seq, public_key, reason, origin, hlc FROM node_rekeys WHERE code = ? ORDER BY from_seq",
                                  [.text(code)]).compactMap { row -> KeyEpoch? in
            guard let seq = row.int64("from_seq"), let key = row.blob("public_key") else { return nil }
            return KeyEpoch(fromSeq: seq, publicKey: key, reason: row.text("reason"), by: row.text("origin"), hlc: row.int64("hlc"))
        }
        if code == identity.code, rekeys.isEmpty { return KeyHistory(registered: identity.publicKey, rekeys: []) }
        let registered = try db.query("SELECT public_key FROM nodes WHERE code = ?", [.text(code)]).first?.blob("public_key") ?? []
        return KeyHistory(registered: registered, rekeys: rekeys)
    }

    /// The re-keys of every code held here, by code: for the registry view.
    func rekeysByCode(db: Database) throws -> [String: [KeyEpoch]] {
        var result: [String: [KeyEpoch]] = [:]
        for row in try db.query("SELECT code, from_seq, public_key, reason, origin, actor, hlc FROM node_rekeys ORDER BY code, from_seq") {
            guard let code = row.text("code"), let seq = row.int64("from_seq"), let key = row.blob("public_key") else { continue }
            let by = [row.text("origin"), row.text("actor")].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
            result[code, default: []].append(KeyEpoch(fromSeq: seq, publicKey: key, reason: row.text("reason"), by: by, hlc: row.int64("hlc")))
        }
        return result
    }

    /// Makes a one-time re-enrolment token for a direct child that lost its key with no backup
    /// (`node rekey`). When the new PC enrolls with it, this node records `node.rekeyed`: the new key
    /// signs from the head it holds of the child's chain + 1.
    public func addReenrollment(code: String, reason: String, actor: String, ttl: Duration = NodeStore.defaultEnrollmentTTL) throws -> EnrollmentInvitation {
        guard !reason.allSatisfy({ $0.isWhitespace }) else { throw StoreError("invalid_reason", "重新登记密钥必须写明原因（--reason）") }
        guard NodeCode.parent(of: code) == identity.code else {
            throw StoreError("not_a_child", "节点 \(code) 不是本节点（\(identity.code)）的直接下级，只有其直接上级可以重新登记它的密钥", details: ["code": code])
        }
        guard let entry = try registryEntry(of: code), !entry.publicKey.isEmpty else {
            throw StoreError("not_found", "节点 \(code) 尚未登记，请用 liandong node add 签发加入口令", details: ["code": code])
        }
        if entry.isRevoked { throw StoreError.revokedNode(code) }
        let ttlMillis = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        guard ttlMillis > 0 else { throw StoreError("invalid_ttl", "口令有效期必须大于 0") }
        let token = Hex.encode(try secureRandomBytes(32))
        let created = now()
        let invitation = EnrollmentInvitation(token: token, code: code, role: entry.role, name: entry.name, expiresAt: created + ttlMillis)
        try db.write { db in
            try db.run("""
                INSERT INTO enrollment_tokens (code, role, name, token_hash, created_at, expires_at, used_at, rekey_reason, actor)
                VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
                ON CONFLICT (code) DO UPDATE SET role = excluded.role, name = excluded.name, token_hash = excluded.token_hash,
                    created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL,
                    rekey_reason = excluded.rekey_reason, actor = excluded.actor
                """, .text(code), .text(entry.role.rawValue), .text(entry.name), .blob(SHA256.hash(Array(token.utf8))), .integer(created),
                .integer(invitation.expiresAt), .text(reason), .text(actor))
        }
        return invitation
    }

    /// Records the re-key at enrolment (inside `enroll`'s transaction): from the head held here of
    /// the child's chain + 1, the new key signs.
    func recordRekey(code: String, publicKey: [UInt8], reason: String, actor: String, db: Database) throws {
        let head = try chainHead(of: code)
        let rekey = NodeRekey(code: code, publicKey: publicKey, fromSeq: head.seq + 1, reason: reason)
        let draft = ChangeDraft(actor: actor, entity: EntityName.node(code), kind: NodeRekey.kind, payload: rekey.json)
        _ = try recordInTransaction([draft], db: db)
    }

    /// Whether this node's own code was re-keyed: it then takes its old chain back from its parent
    /// before it records anything (the restore heal's wait, NodeStore+Heal).
    public func isReenrolled() throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM node_rekeys WHERE code = ?", [.text(identity.code)]) ?? 0 > 0
    }

    /// Marks a node that was just re-enrolled as waiting for its parent, as a restored one does: the
    /// first exchange fetches its old chain, and only then does it record, after the old seqs.
    public func awaitOwnChainFromParent() throws {
        try db.write { db in
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('restored_at', ?)", .text(String(now())))
        }
    }
}
