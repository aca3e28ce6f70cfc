import LiandongDomain

extension NodeStore {
    /// possible_duplicate (PossibleDuplicates, the rule): one record per set of cases of an applicant
    /// and item open at once, kept once in `conflicts` (on the set's first case) with the cases it is
    /// on in `conflict_cases`.
    ///
    /// Rewrites only what a batch can have changed: the sets of the `changed` cases (accepted, closed,
    /// replayed or resolved in the batch) and of the sets they were on. Each such case's set is
    /// loaded by index (DuplicateSpans: the cases whose spans touch it, then those touching what grew),
    /// the domain derives its records, and only the records that differ are written: a change costs
    /// what its set costs, not the group's size squared nor the log's size.
    func writeDuplicates(changed: Set<String>, db: Database) throws {
        var seeds: [String] = []
        var held: Set<String> = []
        // Each case's row (written before, with its opened_hlc and closed_hlc) is what DuplicateSpans reads.
        for number in changed.sorted() {
            seeds.append(number)
            // The other cases of the sets it was on: a set it left may split or vanish.
            for id in try duplicateIDs(on: number, db: db) where held.insert(id).inserted {
                seeds += try duplicateCases(of: id, db: db)
            }
        }
        var loaded: [String: CaseHistory] = [:]
        for number in seeds where loaded[number] == nil {
            guard let history = try cachedHistory(number), let state = history.state, history.opened != nil else { continue }
            var spans = DuplicateSpans(group: DuplicateGroup(state))
            var next = [history]
            while !next.isEmpty {
                for history in next {
                    loaded[history.number] = history
                    spans.cover(opened: history.opened?.hlc.rawValue ?? 0, closed: history.closed?.hlc.rawValue)
                }
                next = try spans.touching(db: db).compactMap { number in
                    guard loaded[number] == nil, let history = try cachedHistory(number), history.state != nil, history.opened != nil else { return nil }
                    loaded[number] = history
                    return history
                }
            }
        }
        for number in loaded.keys.sorted() {
            for id in try duplicateIDs(on: number, db: db) { held.insert(id) }
        }
        for found in PossibleDuplicates.found(in: Array(loaded.values), id: NodeStore.conflictID) {
            let resolution = found.resolution.map { $0.json.canonicalString }
            if held.remove(found.id) != nil {
                // The same id is the same set of acceptances, hence the same content: only its resolution can differ.
                let stored = try db.query("SELECT resolution FROM conflicts WHERE id = ?", [.text(found.id)]).first?.text("resolution")
                if stored != resolution {
                    try db.run("UPDATE conflicts SET resolution = ? WHERE id = ?", resolution.map { .text($0) } ?? .null, .text(found.id))
                }
                continue
            }
            guard let first = found.record.cases.first else { continue }
            try insertConflict(found.record, entity: first, resolution: found.resolution, db: db)
            let member = try db.cachedStatement("INSERT OR REPLACE INTO conflict_cases (entity, id) VALUES (?, ?)")
            for number in found.record.cases {
                try member.bind([.text(number), .text(found.id)])
                try member.run()
            }
        }
        // What is left was a set before the batch and is none now (it grew, split or closed away).
        for id in held.sorted() { try deleteDuplicate(id, db: db) }
    }

    /// The ids of the possible duplicates a case is on, by index.
    func duplicateIDs(on number: String, db: Database) throws -> [String] {
        try db.query("SELECT id FROM conflict_cases WHERE entity = ?", [.text(number)]).compactMap { $0.text("id") }
    }

    /// The cases a possible duplicate is on, by index.
    func duplicateCases(of id: String, db: Database) throws -> [String] {
        try db.query("SELECT entity FROM conflict_cases WHERE id = ? ORDER BY entity", [.text(id)]).compactMap { $0.text("entity") }
    }

    func deleteDuplicate(_ id: String, db: Database) throws {
        try db.run("DELETE FROM conflicts WHERE id = ?", .text(id))
        try db.run("DELETE FROM conflict_cases WHERE id = ?", .text(id))
    }
}

/// DuplicateSpans finds, by index, the cases of one group whose open spans can touch a set being
/// loaded: the set covers one stretch of the order (a set's spans overlap, so they leave no gap), and
/// each round asks only for the cases touching what the stretch grew by since the last round, so a
/// set of N cases costs about N rows read, not N². HLCs stand for the order here: a tie is a
/// candidate, and the domain settles it by the exact order `(hlc, origin, seq)`.
struct DuplicateSpans {
    let group: DuplicateGroup
    /// The stretch covered so far, nil at the end while a case of the set is open; and the stretch
    /// already asked about.
    private var low: Int64?
    private var high: Int64?
    private var endless = false
    private var asked: (low: Int64, high: Int64?, endless: Bool)?

    init(group: DuplicateGroup) {
        self.group = group
    }

    mutating func cover(opened: Int64, closed: Int64?) {
        low = min(low ?? opened, opened)
        if let closed { high = max(high ?? closed, closed) } else { endless = true }
    }

    /// The cases of the group (numbers) whose spans touch the part of the stretch not asked about yet.
    mutating func touching(db: Database) throws -> [String] {
        guard let low else { return [] }
        let args: [SQLValue] = [.text(group.applicant), .text(group.item)]
        var found: [String] = []
        func read(_ sql: String, _ bounds: [SQLValue]) throws {
            // By the index that bounds the read: closings to the left, openings to the right.
            let index = sql.hasPrefix("opened") ? "cases_by_applicant_opened" : "cases_by_applicant_closed"
            try db.forEachRow("SELECT number FROM cases INDEXED BY \(index) WHERE applicant_id = ? AND item_code = ? AND opened_hlc IS NOT NULL AND \(sql)",
                              args + bounds) { row in
                if let number = row.text("number") { found.append(number) }
            }
        }
        if let asked {
            // Grown to the left: the cases closing in the new part (they open before it closes).
            if low < asked.low { try read("closed_hlc >= ? AND closed_hlc < ?", [.integer(low), .integer(asked.low)]) }
            // Grown to the right: the cases opening in the new part.
            if !asked.endless, let from = asked.high {
                if endless {
                    try read("opened_hlc > ?", [.integer(from)])
                } else if let high, high > from {
                    try read("opened_hlc > ? AND opened_hlc <= ?", [.integer(from), .integer(high)])
                }
            }
        } else {
            // The first stretch: the cases still open or closing in it or after it, opening before its end.
            let end: [SQLValue] = endless ? [] : [.integer(high ?? low)]
            let opening = endless ? "" : " AND opened_hlc <= ?"
            try read("closed_hlc IS NULL" + opening, end)
            try read("closed_hlc >= ?" + opening, [.integer(low)] + end)
        }
        asked = (low, endless ? nil : high, endless)
        return found
    }
}
