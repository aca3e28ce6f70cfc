import LiandongDomain

extension NodeStore {
    static let revokedByParentSetting = "revoked_by_parent"

    /// This node's own revocation, if it knows of one: the earliest `node.revoked` of it held here,
    /// or the parent's refusal of its requests (`noteRevokedByParent`).
    public func ownRevocation() throws -> OwnRevocation? {
        let code = identity.code
        if try db.scalarInt("SELECT revoked_hlc FROM nodes WHERE code = ? AND revoked_hlc IS NOT NULL", [.text(code)]) != nil {
            let row = try db.query("""
                SELECT origin, wall, payload FROM changes WHERE kind = ? AND entity = ? ORDER BY hlc, origin LIMIT 1
                """, [.text(NodeKind.revoked), .text(EntityName.node(code))]).first
            let reason = row?.text("payload").flatMap { try? JSONParser.parse($0) }?["reason"]?.stringValue
            return OwnRevocation(node: code, by: row?.text("origin"), on: row?.int64("wall").map { LocalDate(epochMillis: $0) },
                                 reason: reason, source: .change)
        }
        guard let text = try db.query("SELECT value FROM settings WHERE key = ?", [.text(Self.revokedByParentSetting)]).first?.text("value"),
            let millis = Int64(text)
        else { return nil }
        return OwnRevocation(node: code, by: NodeCode.parent(of: code), on: LocalDate(epochMillis: millis), reason: nil, source: .parent)
    }

    /// Remembers that the parent refused this node's request as `revoked_node`: from now on it records nothing new.
    public func noteRevokedByParent() throws {
        try db.write { db in
            try db.run("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                       .text(Self.revokedByParentSetting), .text(String(now())))
        }
    }

    /// Throws the revocation, in Chinese, when this node is revoked.
    func refuseIfRevoked() throws {
        if let revocation = try ownRevocation() {
            throw StoreError("node_revoked", revocation.message, details: ["node": identity.code])
        }
    }
}
