import LiandongDomain

extension NodeStore {
    /// Advances the day's case-number counter past a number this node issued, whenever its
    /// acceptance or refusal is stored by any path (recorded here, adopted back from the parent after
    /// a restore, or pushed back by a child to a restored parent), so that the counter never issues a
    /// number twice: a restored node's counter is as old as its backup.
    func noteCaseNumberIssued(by change: Change, db: Database) throws {
        guard change.kind == CaseAction.accept.kind || change.kind == CaseAction.refuse.kind,
            let (day, sequence) = ownCaseNumberParts(change.entity)
        else { return }
        let statement = try db.cachedStatement("""
            INSERT INTO case_counters (day, next) VALUES (?, ?)
            ON CONFLICT (day) DO UPDATE SET next = max(next, excluded.next)
            """)
        try statement.bind(day, at: 1)
        try statement.bind(sequence + 1, at: 2)
        try statement.run()
    }

    /// The day (yyyymmdd) and sequence of a case number this node issued, or nil for any other entity.
    func ownCaseNumberParts(_ number: String) -> (day: String, sequence: Int64)? {
        let prefix = identity.code + "-"
        guard number.hasPrefix(prefix), CaseNumber.isWellFormed(number) else { return nil }
        let parts = number.split(separator: "-")
        guard parts.count == 3, let sequence = Int64(parts[2]) else { return nil }
        return (String(parts[1]), sequence)
    }

    /// The next unused case number of a day: the counter, advanced past it.
    func issueCaseNumber(on day: LocalDate, db: Database) throws -> String {
        let next = try db.scalarInt("SELECT next FROM case_counters WHERE day = ?", [.text(day.compact)]) ?? 1
        try db.run("INSERT OR REPLACE INTO case_counters (day, next) VALUES (?, ?)", .text(day.compact), .integer(next + 1))
        return CaseNumber.make(node: identity.code, day: day, sequence: Int(next))
    }
}
