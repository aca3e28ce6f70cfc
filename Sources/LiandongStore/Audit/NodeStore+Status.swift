import LiandongDomain

extension NodeStore {
    /// Counts for `status`: the log, the cases, the catalog and the conflicts held here.
    public func status() throws -> JSONValue {
        let calendar = try self.calendar()
        let today = self.today
        var open = 0
        var overdue = 0
        try db.forEachRow("SELECT status, clock FROM cases") { row in
            guard let status = row.text("status").flatMap(CaseStatus.init(rawValue:)), status.isOpen else { return }
            open += 1
            if let text = row.text("clock"), let clock = CaseClock(json: try JSONParser.parse(text)),
                clock.status(calendar: calendar, today: today) == .overdue
            {
                overdue += 1
            }
        }
        func count(_ sql: String, _ args: [SQLValue] = []) throws -> JSONValue { .int(try db.scalarInt(sql, args) ?? 0) }
        return [
            "code": .string(identity.code), "role": .string(identity.role.rawValue), "name": .string(identity.name),
            "parent": .optional(identity.parentURL), "changes": try count("SELECT count(*) FROM changes"),
            "ownChanges": try count("SELECT count(*) FROM changes WHERE origin = ?", [.text(identity.code)]),
            "cases": try count("SELECT count(*) FROM cases"), "openCases": .int(Int64(open)), "overdue": .int(Int64(overdue)),
            "items": try count("SELECT count(*) FROM items"), "conflicts": try count("SELECT count(DISTINCT id) FROM conflicts WHERE resolution IS NULL"),
            "calendarYears": .array(try calendarYears().map { .int(Int64($0.year)) }),
            "revoked": try ownRevocation()?.json ?? .null,
            "renumbered": .array(try renumberedCases().map {
                ["old": .string($0.oldNumber), "new": .string($0.newNumber), "at": .int($0.at), "message": .string($0.message)]
            }),
            "blobs": try blobCounts().json,
            "calendarWarning": .optional(CalendarWarning.upcomingYear(calendar: calendar, today: today).map(CalendarWarning.upcomingMessage)),
        ]
    }
}
