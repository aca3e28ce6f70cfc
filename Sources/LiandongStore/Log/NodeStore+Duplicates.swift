import LiandongDomain

extension DuplicateGroup {
    /// The group a case belongs to: its applicant's ID number and its item.
    init(_ state: CaseState) {
        self.init(applicant: state.applicant.idNumber, item: state.item.code)
    }
}

extension NodeStore {
    /// possible_duplicate: two cases of the same applicant and item open at the same time (their
    /// spans from acceptance to decision or withdrawal overlap in the order). One record, the same
    /// id, on both cases.
    ///
    /// Rewrites only the records a batch can have changed: those on the `changed` cases of the
    /// group (accepted, closed, replayed or resolved in the batch), found among the cases whose
    /// spans can overlap theirs (still open, or closed after the earliest of their openings, read
    /// from `cases` by index), and those a changed case's resolutions name. A group of hundreds of
    /// closed cases costs a change what the cases open around it cost, not the group's size squared.
    func writeDuplicates(_ group: DuplicateGroup, changed: Set<String>, db: Database) throws {
        let rule = ConflictRule.possibleDuplicate.rawValue
        var stale: Set<String> = []
        var pairs: Set<[String]> = []
        // The changed cases' spans by HLC; a close counts from HLC + 1 so that a tie with another
        // case's change stays a candidate, settled by the exact order below.
        var spans: [String: OpenSpan<Int64>] = [:]
        for number in changed.sorted() {
            let history = try cachedHistory(number)
            // A case the batch moved to another group (a different acceptance sorted first) is written
            // with that group, which also removes its records here; writing it here too could undo that.
            if let state = history?.state, DuplicateGroup(state) != group { continue }
            try db.run("UPDATE cases SET closed_hlc = ? WHERE number = ?", history?.closed.map { .integer($0.hlc.rawValue) } ?? .null, .text(number))
            try db.forEachRow("SELECT id FROM conflicts WHERE entity = ? AND rule = ?", [.text(number), .text(rule)]) { row in
                if let id = row.text("id") { stale.insert(id) }
            }
            // A resolution recorded on this case may settle a record between two other cases of the group.
            for id in Set(history?.resolutions.map(\.conflict) ?? []).sorted() {
                let cases = try db.query("SELECT entity FROM conflicts WHERE id = ? AND rule = ? ORDER BY entity", [.text(id), .text(rule)])
                    .compactMap { $0.text("entity") }
                guard cases.count == 2 else { continue }
                stale.insert(id)
                pairs.insert(cases)
            }
            if let history, history.state != nil, let opened = history.opened {
                spans[number] = OpenSpan(opened: opened.hlc.rawValue, closed: history.closed.map { $0.hlc.rawValue + 1 })
            }
        }
        if let earliest = spans.values.map(\.opened).min() {
            var numbers = spans.keys.sorted()
            var candidates = numbers.compactMap { spans[$0] }
            let args: [SQLValue] = [.text(group.applicant), .text(group.item)]
            for (sql, bound) in [("closed_hlc IS NULL AND opened_hlc IS NOT NULL", []), ("closed_hlc >= ? AND opened_hlc IS NOT NULL", [SQLValue.integer(earliest)])] {
                try db.forEachRow("SELECT number, opened_hlc, closed_hlc FROM cases WHERE applicant_id = ? AND item_code = ? AND \(sql)", args + bound) { row in
                    guard let number = row.text("number"), spans[number] == nil, let opened = row.int64("opened_hlc") else { return }
                    numbers.append(number)
                    candidates.append(OpenSpan(opened: opened, closed: row.int64("closed_hlc").map { $0 + 1 }))
                }
            }
            let involving = numbers.map { spans[$0] != nil }
            for (i, j) in OpenSpans.overlappingPairs(candidates, involving: involving) {
                pairs.insert([numbers[i], numbers[j]].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            }
        }
        for id in stale.sorted() {
            try db.run("DELETE FROM conflicts WHERE id = ? AND rule = ?", .text(id), .text(rule))
        }
        for pair in pairs.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let a = try cachedHistory(pair[0]), let b = try cachedHistory(pair[1]), let record = NodeStore.duplicateRecord(a, b) else { continue }
            let id = NodeStore.conflictID(record)
            let resolution = ConflictResolution.first(for: record, id: id, in: try duplicateResolutions(naming: id, in: record, db: db))
            for number in record.cases { try insertConflict(record, entity: number, resolution: resolution, db: db) }
        }
    }

    /// The resolutions naming a possible duplicate, from every case of its group (the resolution
    /// may be recorded on any of them), found through the index of resolutions by conflict.
    func duplicateResolutions(naming id: String, in record: ConflictRecord, db: Database) throws -> [ConflictResolution] {
        guard let first = record.cases.first, let state = try cachedHistory(first)?.state else { return [] }
        let numbers = try db.query("""
            SELECT DISTINCT changes.entity FROM changes JOIN cases ON cases.number = changes.entity
            WHERE changes.kind = 'conflict.resolved' AND json_extract(changes.payload, '$.conflict') = ?
                AND cases.applicant_id = ? AND cases.item_code = ?
            ORDER BY changes.entity
            """, [.text(id), .text(state.applicant.idNumber), .text(state.item.code)]).compactMap { $0.text("entity") }
        return try numbers.flatMap { try cachedHistory($0)?.resolutions ?? [] }
    }

    /// The possible_duplicate records among the cases of one group, by a sweep in the order of
    /// their acceptances (OpenSpans): what verify re-derives.
    static func duplicateRecords(_ histories: [CaseHistory]) -> [ConflictRecord] {
        let open = histories.filter { $0.opened != nil && $0.state != nil }
        let spans = open.compactMap { history in
            history.opened.map { OpenSpan(opened: OrderKey($0), closed: history.closed.map(OrderKey.init)) }
        }
        return OpenSpans.overlappingPairs(spans).compactMap { duplicateRecord(open[$0], open[$1]) }
    }

    /// The record of two cases of the same applicant and item whose spans overlap, or nil. The
    /// case with the lower number comes first in its message and names its resolver.
    static func duplicateRecord(_ x: CaseHistory, _ y: CaseHistory) -> ConflictRecord? {
        let (a, b) = x.number.utf8.lexicographicallyPrecedes(y.number.utf8) ? (x, y) : (y, x)
        guard let ao = a.opened, let bo = b.opened, let sa = a.state, let sb = b.state, a.number != b.number,
            DuplicateGroup(sa) == DuplicateGroup(sb)
        else { return nil }
        guard b.closed.map({ ao.precedes($0) }) ?? true, a.closed.map({ bo.precedes($0) }) ?? true else { return nil }
        let cases: JSONValue = .array([sa, sb].map { ["number": .string($0.number), "acceptor": .string($0.acceptor), "acceptedOn": .string($0.acceptedOn.iso)] })
        return ConflictRecord(
            rule: .possibleDuplicate, cases: [sa.number, sb.number], changes: [ao, bo],
            values: ["applicant": .string(Masking.idNumber(sa.applicant.idNumber)), "item": .string(sa.item.code), "cases": cases],
            message: "申请人 \(Masking.idNumber(sa.applicant.idNumber)) 的「\(sa.item.name)」在 \(sa.acceptor) 与 \(sb.acceptor) 同时在办：\(sa.number)、\(sb.number)",
            outcome: "两件均保留、照常办理，请县级核实是否重复申请", resolver: NodeCode.path(to: sa.acceptor).first ?? sa.acceptor)
    }
}

extension NodeStore.OrderKey {
    /// A change's place in the order, as a conflict record names it.
    init(_ ref: ChangeRef) {
        self.init(hlc: ref.hlc, origin: ref.origin, seq: ref.seq)
    }
}
