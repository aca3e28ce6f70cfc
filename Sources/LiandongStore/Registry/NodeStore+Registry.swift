import LiandongDomain

extension NodeStore {
    /// Every node of the registry as held here, by code.
    public func registry() throws -> [RegistryEntry] {
        try refreshIfChangedElsewhere()
        return try registryRows(db: db)
    }

    /// The registry rows; a re-keyed code shows its newest key and its history (KeyHistory's fold).
    func registryRows(db: Database) throws -> [RegistryEntry] {
        let rekeys = try rekeysByCode(db: db)
        let nodes = try db.query("SELECT code, role, name, public_key, registered_hlc, revoked_hlc FROM nodes ORDER BY code")
        return nodes.compactMap(NodeStore.nodeRow).map { node in
            var entry = RegistryEntry(code: node.code, role: node.role, name: node.name, publicKey: node.publicKey,
                                      registeredHLC: node.registeredHLC, revokedHLC: node.revokedHLC)
            if let epochs = rekeys[node.code], let history = KeyHistory(registered: entry.publicKey, rekeys: epochs) {
                entry.publicKey = history.current
                entry.history = history.epochs
            }
            return entry
        }
    }

    /// The registry entry of one node, or nil when this node has never heard of it.
    public func registryEntry(of code: String) throws -> RegistryEntry? {
        try registry().first { $0.code == code }
    }

    /// This node as a registry entry: what it tells the children it enrolls.
    var ownEntry: RegistryEntry {
        RegistryEntry(code: identity.code, role: identity.role, name: identity.name, publicKey: identity.publicKey)
    }

    /// Records that a node below this one is revoked (撤销): from then on every node refuses its
    /// changes and its requests. Only a strict ancestor may revoke, never a node itself; an unused
    /// enrollment token for the code is dropped with it.
    @discardableResult
    public func revoke(code: String, reason: String, actor: String) throws -> Change? {
        guard NodeCode.role(of: code) != nil else {
            throw StoreError("invalid_code", "节点代码 \(code) 无效：县 6 位、乡镇 9 位、村 12 位区划代码")
        }
        guard code != identity.code else { throw StoreError("cannot_revoke_self", "节点不能撤销自己（\(code)），请由上级节点撤销") }
        guard NodeCode.isBelow(code, identity.code) else {
            throw StoreError("not_a_child", "节点 \(code) 不在本节点（\(identity.code)）的辖区内，只有其上级可以撤销", details: ["code": code])
        }
        return try writeRecording { db -> Change? in
            let entry = try registryRows(db: db).first { $0.code == code }
            if entry?.isRevoked == true { throw StoreError("already_revoked", "节点 \(code) 已经撤销过", details: ["code": code]) }
            let pending = try db.scalarInt("SELECT count(*) FROM enrollment_tokens WHERE code = ? AND used_at IS NULL", [.text(code)]) ?? 0
            guard entry != nil || pending > 0 else {
                throw StoreError("not_found", "节点 \(code) 未登记，也没有待用的加入口令", details: ["code": code])
            }
            try db.run("DELETE FROM enrollment_tokens WHERE code = ? AND used_at IS NULL", .text(code))
            guard entry != nil else { return nil }
            let revocation = NodeRevocation(code: code, reason: reason)
            let draft = ChangeDraft(actor: actor, entity: EntityName.node(code), kind: NodeKind.revoked, payload: revocation.json)
            return try recordInTransaction([draft], db: db)[0]
        }
    }

    /// Trusts a registry snapshot directly (the enroll answer): keys the child has no registration
    /// for yet, and revocations with the HLC the parent refuses from. Registrations in the log,
    /// which every snapshot entry is later pulled with, replace these rows as they arrive.
    public func trustRegistry(_ entries: [RegistryEntry]) throws {
        try db.write { db in
            for var entry in entries {
                // A re-keyed code: the row holds the registered key, the re-keys their own table.
                if let first = entry.history.first {
                    try trustKeyHistory(code: entry.code, epochs: entry.history, db: db)
                    entry.publicKey = first.publicKey
                }
                try db.run("""
                    INSERT INTO nodes (code, role, name, public_key, revoked_hlc, registered_hlc) VALUES (?, ?, ?, ?, ?, 0)
                    ON CONFLICT (code) DO UPDATE SET role = excluded.role, name = excluded.name, public_key = excluded.public_key
                    WHERE nodes.registered_hlc = 0
                    """, .text(entry.code), .text(entry.role.rawValue), .text(entry.name), .blob(entry.publicKey),
                    entry.revokedHLC.map { .integer($0) } ?? .null)
                if let revoked = entry.revokedHLC {
                    try db.run("UPDATE nodes SET revoked_hlc = ? WHERE code = ? AND (revoked_hlc IS NULL OR revoked_hlc > ?)",
                               .integer(revoked), .text(entry.code), .integer(revoked))
                }
            }
        }
        verifyingKeys.removeAll()
    }
}
