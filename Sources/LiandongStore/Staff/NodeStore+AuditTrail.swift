import LiandongDomain

/// AuditFilter narrows the 审计 page.
public struct AuditFilter: Sendable {
    public var staff: String?
    public var action: String?
    public var outcome: String?
    public var limit = 100
    public var offset = 0

    public init(staff: String? = nil, action: String? = nil, outcome: String? = nil) {
        self.staff = staff
        self.action = action
        self.outcome = outcome
    }
}

extension NodeStore {
    /// Appends one row to the audit trail, chained to the previous row's hash. Never holds a
    /// password or a session token; `detail` is for what the action needs (a reason, a field name).
    public func audit(staff: String, action: String, target: String = "", outcome: String, detail: String = "") throws {
        try db.write { db in
            let last = try db.query("SELECT id, hash FROM audit_trail ORDER BY id DESC LIMIT 1").first
            let id = (last?.int64("id") ?? 0) + 1
            let entry = AuditEntry(id: id, at: now(), staff: staff, node: identity.code, action: action, target: target, outcome: outcome, detail: detail)
            let hash = SHA256.hash(entry.chainBytes(previous: last?.blob("hash") ?? []))
            try db.run("INSERT INTO audit_trail (id, at, staff, node, action, target, outcome, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       .integer(id), .integer(entry.at), .text(staff), .text(entry.node), .text(action), .text(target), .text(outcome),
                       .text(detail), .blob(hash))
        }
    }

    /// Audit rows, newest first.
    public func auditEntries(_ filter: AuditFilter = AuditFilter()) throws -> [AuditEntry] {
        var sql = "SELECT * FROM audit_trail WHERE 1 = 1"
        var args: [SQLValue] = []
        if let staff = filter.staff, !staff.isEmpty { sql += " AND staff = ?"; args.append(.text(staff)) }
        if let action = filter.action, !action.isEmpty { sql += " AND action LIKE ?"; args.append(.text(action + "%")) }
        if let outcome = filter.outcome, !outcome.isEmpty { sql += " AND outcome = ?"; args.append(.text(outcome)) }
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        args += [.integer(Int64(filter.limit)), .integer(Int64(filter.offset))]
        return try db.query(sql, args).map { row in
            AuditEntry(id: row.int64("id") ?? 0, at: row.int64("at") ?? 0, staff: row.text("staff") ?? "", node: row.text("node") ?? "",
                       action: row.text("action") ?? "", target: row.text("target") ?? "", outcome: row.text("outcome") ?? "",
                       detail: row.text("detail") ?? "")
        }
    }

    /// Re-computes the audit trail's hash chain; returns how many rows hold and the id of the
    /// first row whose hash does not match (nil when the whole chain holds). Rows removed after
    /// 180 days leave the chain starting at a later row: the first kept row's stored hash is trusted.
    public func verifyAuditTrail() throws -> (rows: Int, firstBroken: Int64?) {
        var previous: [UInt8]?
        var count = 0
        var broken: Int64?
        try db.forEachRow("SELECT * FROM audit_trail ORDER BY id") { row in
            count += 1
            let stored = row.blob("hash") ?? []
            let entry = AuditEntry(id: row.int64("id") ?? 0, at: row.int64("at") ?? 0, staff: row.text("staff") ?? "", node: row.text("node") ?? "",
                                   action: row.text("action") ?? "", target: row.text("target") ?? "", outcome: row.text("outcome") ?? "",
                                   detail: row.text("detail") ?? "")
            if let before = previous, broken == nil, SHA256.hash(entry.chainBytes(previous: before)) != stored { broken = entry.id }
            if previous == nil, entry.id == 1, broken == nil, SHA256.hash(entry.chainBytes(previous: [])) != stored { broken = 1 }
            previous = stored
        }
        return (count, broken)
    }
}
