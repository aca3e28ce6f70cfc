import LiandongDomain

/// The quarantine held below this node, as its children report it in their hellos (`held`), and
/// what this node reports up in turn: its own quarantine by origin, then what its children reported.
/// A child's report replaces everything it reported before, so a line whose changes have since landed
/// disappears at its next hello.
extension NodeStore {
    /// What this node reports up: its own quarantine (holder = itself) and its children's reports.
    public func heldQuarantineReport() throws -> [HeldQuarantine] {
        let own = identity.code
        var lines = try db.query("SELECT origin, count(*) AS n FROM quarantine GROUP BY origin ORDER BY origin LIMIT ?",
                                 [.integer(Int64(HeldQuarantine.maxLines))]).compactMap { row -> HeldQuarantine? in
            guard let origin = row.text("origin"), let count = row.int64("n"), count > 0 else { return nil }
            return HeldQuarantine(holder: own, origin: origin, count: count)
        }
        lines += try db.query("SELECT holder, origin, count FROM held_quarantine ORDER BY holder, origin LIMIT ?",
                              [.integer(Int64(HeldQuarantine.maxLines - lines.count))]).compactMap { row in
            guard let holder = row.text("holder"), let origin = row.text("origin"), let count = row.int64("count") else { return nil }
            return HeldQuarantine(holder: holder, origin: origin, count: count)
        }
        return lines
    }

    /// Keeps a child's report, replacing its last one; lines about holders outside its subtree are ignored.
    public func recordHeldQuarantine(_ lines: [HeldQuarantine], from child: String) throws {
        try db.write { db in try recordHeldQuarantine(lines, from: child, db: db) }
    }

    /// `recordHeldQuarantine` inside the caller's transaction.
    func recordHeldQuarantine(_ lines: [HeldQuarantine], from child: String, db: Database) throws {
        try db.run("DELETE FROM held_quarantine WHERE reported_by = ?", .text(child))
        for line in lines where NodeCode.isAncestorOrSelf(child, of: line.holder) {
            try db.run("""
                INSERT INTO held_quarantine (holder, origin, count, reported_by, at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (holder, origin) DO UPDATE SET count = excluded.count, reported_by = excluded.reported_by, at = excluded.at
                """, .text(line.holder), .text(line.origin), .integer(line.count), .text(child), .integer(now()))
        }
    }

    /// Changes of each origin held in quarantine below this node, summed over the holders.
    func quarantinedBelow() throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        try db.forEachRow("SELECT origin, sum(count) AS n FROM held_quarantine GROUP BY origin") { row in
            if let origin = row.text("origin") { counts[origin] = row.int64("n") ?? 0 }
        }
        return counts
    }
}
