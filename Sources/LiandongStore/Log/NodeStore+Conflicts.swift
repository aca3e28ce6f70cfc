import LiandongDomain

extension NodeStore {
    /// Records that the rules did not apply a change. The id is derived from the change and the
    /// rule only, so every node holding the same changes records the same conflict.
    func recordConflict(for change: Change, error: CaseError, state: CaseState?, db: Database) throws {
        try recordConflict(for: change, rule: error.code, message: error.message, db: db)
    }

    func recordConflict(for change: Change, rule: String, message: String, db: Database) throws {
        let id = String(SHA256.hex(Array("\(change.entity)|\(change.origin)|\(change.seq)|\(rule)".utf8)).prefix(16))
        let detail: JSONValue = [
            "message": .string(message), "kind": .string(change.kind), "actor": .string(change.actor),
            "payload": change.payload, "wall": .int(change.wall),
        ]
        let resolver = NodeCode.path(to: change.origin).first ?? change.origin
        try db.run("""
            INSERT OR REPLACE INTO conflicts (id, entity, rule, origin, seq, kind, detail, resolver, created_hlc)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            .text(id), .text(change.entity), .text(rule), .text(change.origin), .integer(change.seq), .text(change.kind),
            .text(detail.canonicalString), .text(resolver), .integer(change.hlc.rawValue))
    }
}
