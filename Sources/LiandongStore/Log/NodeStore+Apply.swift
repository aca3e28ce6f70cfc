import LiandongDomain

extension NodeStore {
    /// Applies a stored change to the materialized state. `strict` is for changes made here: a rule
    /// that refuses it throws, so that the whole recording rolls back. For changes from elsewhere
    /// the change stays in the log and the refusal becomes a conflict record (DESIGN §6).
    func materialize(_ change: Change, db: Database, strict: Bool) throws {
        switch change.kind {
        case let kind where kind.hasPrefix("case."):
            try materializeCase(change, db: db, strict: strict)
        case CatalogKind.itemPublished:
            try materializeItem(change, db: db, strict: strict)
        case CatalogKind.calendarYearSet:
            try materializeCalendarYear(change, db: db, strict: strict)
        case NodeKind.registered:
            try materializeRegistration(change, db: db, strict: strict)
        case NodeKind.revoked:
            try materializeRevocation(change, db: db, strict: strict)
        default:
            if strict { throw CaseError.unknownKind(change.kind) }
            try recordConflict(for: change, rule: "unknown_kind", message: "未知的变更类型 \(change.kind)，已保留待新版本处理", db: db)
        }
    }

    /// Extends the case's state when the change sorts after everything applied so far, and
    /// replays the case from its log otherwise (a change that arrived out of order).
    func materializeCase(_ change: Change, db: Database, strict: Bool) throws {
        let number = change.entity
        let key = OrderKey(change)
        if let current = try cachedCase(number), current.last < key {
            do {
                let state = try CaseReducer.apply(change, to: current.state)
                caseCache[number] = CachedCase(state: state, last: key)
                try writeCase(state, last: key, db: db)
            } catch let error as CaseError {
                if strict { throw error }
                try recordConflict(for: change, error: error, state: current.state, db: db)
                caseCache[number]?.last = key
                try db.run("UPDATE cases SET last_hlc = ?, last_origin = ?, last_seq = ? WHERE number = ?",
                           .integer(key.hlc.rawValue), .text(key.origin), .integer(key.seq), .text(number))
            }
            return
        }
        if strict, try cachedCase(number) == nil, !(change.kind == CaseAction.accept.kind || change.kind == CaseAction.refuse.kind) {
            throw CaseError.caseNotFound(number)
        }
        try replayCase(number, db: db)
    }

    /// Re-derives a case from all of its changes in the log and rewrites its conflicts.
    func replayCase(_ number: String, db: Database) throws {
        let changes = try changes(ofEntity: number)
        let replay = CaseReplay(changes: changes)
        try db.run("DELETE FROM conflicts WHERE entity = ? AND rule <> 'resolution'", .text(number))
        for rejected in replay.rejected {
            try recordConflict(for: rejected.change, error: rejected.error, state: nil, db: db)
        }
        guard let state = replay.state, let last = changes.max(by: { OrderKey($0) < OrderKey($1) }) else {
            caseCache[number] = nil
            try db.run("DELETE FROM cases WHERE number = ?", .text(number))
            return
        }
        let key = OrderKey(last)
        caseCache[number] = CachedCase(state: state, last: key)
        try writeCase(state, last: key, db: db)
    }

    /// The case's state and the place of its last change, from the cache or by replay.
    func cachedCase(_ number: String) throws -> CachedCase? {
        try refreshIfChangedElsewhere()
        if let cached = caseCache[number] { return cached }
        let changes = try changes(ofEntity: number)
        guard !changes.isEmpty else { return nil }
        let replay = CaseReplay(changes: changes)
        guard let state = replay.state, let last = changes.max(by: { OrderKey($0) < OrderKey($1) }) else { return nil }
        if caseCache.count > 4096 { caseCache.removeAll(keepingCapacity: true) }
        let cached = CachedCase(state: state, last: OrderKey(last))
        caseCache[number] = cached
        return cached
    }

    /// The current state of a case, or nil when this node holds no acceptance for it.
    public func caseState(_ number: String) throws -> CaseState? {
        try cachedCase(number)?.state
    }

    func writeCase(_ state: CaseState, last: OrderKey, db: Database) throws {
        let json = state.json.canonicalBytes
        let completedOn = state.decision?.on ?? state.withdrawal?.on ?? (state.status == .refused ? state.acceptedOn : nil)
        let statement = try db.cachedStatement("""
            INSERT INTO cases (number, item_code, item_kind, status, acceptor, holder, decider, applicant_id, accepted_at,
                accepted_on, completed_on, clock, state, state_hash, last_hlc, last_origin, last_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (number) DO UPDATE SET item_code = excluded.item_code, item_kind = excluded.item_kind,
                status = excluded.status, acceptor = excluded.acceptor, holder = excluded.holder, decider = excluded.decider,
                applicant_id = excluded.applicant_id, accepted_at = excluded.accepted_at, accepted_on = excluded.accepted_on,
                completed_on = excluded.completed_on, clock = excluded.clock, state = excluded.state,
                state_hash = excluded.state_hash, last_hlc = excluded.last_hlc, last_origin = excluded.last_origin,
                last_seq = excluded.last_seq
            """)
        try statement.bind(state.number, at: 1)
        try statement.bind(state.item.code, at: 2)
        try statement.bind(state.item.kind.rawValue, at: 3)
        try statement.bind(state.status.rawValue, at: 4)
        try statement.bind(state.acceptor, at: 5)
        try statement.bind(state.holder, at: 6)
        try statement.bind(state.decider, at: 7)
        try statement.bind(state.applicant.idNumber, at: 8)
        try statement.bind(state.acceptedAt, at: 9)
        try statement.bind(state.acceptedOn.iso, at: 10)
        if let completedOn { try statement.bind(completedOn.iso, at: 11) } else { try statement.bindNull(at: 11) }
        try statement.bind(CaseClock(state: state).json.canonicalString, at: 12)
        try statement.bind(String(decoding: json, as: UTF8.self), at: 13)
        try statement.bind(SHA256.hash(json), at: 14)
        try statement.bind(last.hlc.rawValue, at: 15)
        try statement.bind(last.origin, at: 16)
        try statement.bind(last.seq, at: 17)
        try statement.run()
    }
}
