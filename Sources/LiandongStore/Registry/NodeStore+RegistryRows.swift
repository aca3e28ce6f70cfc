import LiandongDomain

/// The registry's rows as kept: `nodes`, `node_rekeys`, `certificate_pins`. Which change stands is
/// the domain's (LiandongDomain/Registry/Registry.swift); here the store loads the row a change
/// touches, asks the domain and writes exactly the row it returns.
extension NodeStore {
    /// Applies a registry change (`node.registered`, `node.revoked`, `node.rekeyed`, `node.certificate`).
    func materializeRegistry(_ change: Change, db: Database, strict: Bool) throws {
        guard try !refusedByKindRules(change, db: db, strict: strict), let registryChange = try RegistryChange(change) else { return }
        let key = registryChange.key
        guard let row = registryChange.applied(to: try registryRow(key, db: db)) else { return }
        try write(row, db: db)
        verifyingKeys[key.code] = nil
    }

    /// The row kept for a key, or nil.
    func registryRow(_ key: RegistryKey, db: Database) throws -> RegistryRow? {
        switch key {
        case .node(let code):
            return try db.query("SELECT code, role, name, public_key, registered_hlc, revoked_hlc FROM nodes WHERE code = ?", [.text(code)])
                .first.flatMap(NodeStore.nodeRow).map(RegistryRow.node)
        case .rekey(let code, let fromSeq):
            return try db.query("SELECT code, from_seq, public_key, reason, origin, actor, hlc FROM node_rekeys WHERE code = ? AND from_seq = ?",
                                [.text(code), .integer(fromSeq)]).first.flatMap(NodeStore.rekeyRow).map(RegistryRow.rekey)
        case .pins(let code):
            return try db.query("SELECT code, pins, hlc FROM certificate_pins WHERE code = ?", [.text(code)])
                .first.flatMap(NodeStore.pinnedCertificate).map(RegistryRow.pins)
        }
    }

    /// Every row kept, by key: what `verify` compares with the fold of the log.
    func keptRegistryRows(db: Database) throws -> [RegistryKey: RegistryRow] {
        var rows: [RegistryKey: RegistryRow] = [:]
        try db.forEachRow("SELECT code, role, name, public_key, registered_hlc, revoked_hlc FROM nodes") { row in
            if let node = NodeStore.nodeRow(row) { rows[.node(node.code)] = .node(node) }
        }
        try db.forEachRow("SELECT code, from_seq, public_key, reason, origin, actor, hlc FROM node_rekeys") { row in
            if let rekey = NodeStore.rekeyRow(row) { rows[.rekey(code: rekey.code, fromSeq: rekey.fromSeq)] = .rekey(rekey) }
        }
        try db.forEachRow("SELECT code, pins, hlc FROM certificate_pins") { row in
            if let pins = NodeStore.pinnedCertificate(row) { rows[.pins(pins.code)] = .pins(pins) }
        }
        return rows
    }

    /// Writes one row of the registry as the domain gave it: the one writer of these tables.
    func write(_ row: RegistryRow, db: Database) throws {
        switch row {
        case .node(let node):
            try db.run("""
                INSERT OR REPLACE INTO nodes (code, role, name, public_key, registered_hlc, revoked_hlc) VALUES (?, ?, ?, ?, ?, ?)
                """, .text(node.code), .text(node.role.rawValue), .text(node.name), .blob(node.publicKey), .integer(node.registeredHLC),
                node.revokedHLC.map { .integer($0) } ?? .null)
        case .rekey(let rekey):
            try db.run("""
                INSERT OR REPLACE INTO node_rekeys (code, from_seq, public_key, reason, origin, actor, hlc) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, .text(rekey.code), .integer(rekey.fromSeq), .blob(rekey.publicKey), .text(rekey.reason), .text(rekey.origin),
                .text(rekey.actor), .integer(rekey.hlc))
        case .pins(let pins):
            try db.run("INSERT OR REPLACE INTO certificate_pins (code, pins, hlc) VALUES (?, ?, ?)",
                       .text(pins.code), .text(pins.pins.joined(separator: ",")), .integer(pins.hlc))
        }
    }

    static func nodeRow(_ row: Row) -> RegistryNode? {
        guard let code = row.text("code"), let role = row.text("role").flatMap(Role.init(rawValue:)) else { return nil }
        return RegistryNode(code: code, role: role, name: row.text("name") ?? "", publicKey: row.blob("public_key") ?? [],
                              registeredHLC: row.int64("registered_hlc") ?? 0, revokedHLC: row.int64("revoked_hlc"))
    }

    static func rekeyRow(_ row: Row) -> RekeyRow? {
        guard let code = row.text("code"), let fromSeq = row.int64("from_seq") else { return nil }
        return RekeyRow(code: code, fromSeq: fromSeq, publicKey: row.blob("public_key") ?? [], reason: row.text("reason") ?? "",
                        origin: row.text("origin") ?? "", actor: row.text("actor") ?? "", hlc: row.int64("hlc") ?? 0)
    }

    static func pinnedCertificate(_ row: Row) -> PinnedCertificate? {
        guard let code = row.text("code"), let text = row.text("pins") else { return nil }
        return PinnedCertificate(code: code, pins: text.split(separator: ",").map(String.init), hlc: row.int64("hlc") ?? 0)
    }
}
