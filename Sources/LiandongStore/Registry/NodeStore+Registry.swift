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
            RegistryEntry(node, history: rekeys[node.code].flatMap { KeyHistory(registered: node.publicKey, rekeys: $0)?.epochs } ?? [])
        }
    }

    /// The registry entry of one node, or nil when this node has never heard of it.
    public func registryEntry(of code: String) throws -> RegistryEntry? {
        try registry().first { $0.code == code }
    }

    /// This node as a registry entry: what it tells the children it enrolls.
    var ownEntry: RegistryEntry {
        RegistryEntry(RegistryNode(code: identity.code, role: identity.role, name: identity.name, publicKey: identity.publicKey,
                                   registeredHLC: 0, revokedHLC: nil))
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
}
