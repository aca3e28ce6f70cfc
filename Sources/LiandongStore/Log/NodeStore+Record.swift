import LiandongDomain

extension NodeStore {
    /// Records changes made at this node: each is checked by the reducer against the current state
    /// (a refused transition throws and nothing is written), given its seq, HLC, routing keys and
    /// chain link, hashed and signed, appended and applied, all in one transaction.
    @discardableResult
    public func record(_ drafts: [ChangeDraft]) throws -> [Change] {
        try writeRecording { db in try self.recordInTransaction(drafts, db: db) }
    }

    @discardableResult
    public func record(_ draft: ChangeDraft) throws -> Change {
        try record([draft])[0]
    }

    /// Runs body in a write transaction that records changes. When it rolls back, the states cached
    /// during it may hold what was never written (a case that does not exist): they are dropped.
    /// A restored node settles its heal first (NodeStore+Heal.swift).
    func writeRecording<T>(_ body: (Database) throws -> T) throws -> T {
        try settleHealIfDue()
        return try writeRecordingUnguarded(body)
    }

    func writeRecordingUnguarded<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try db.write(body)
        } catch {
            dropCachesAfterRollback()
            throw error
        }
    }

    /// `instant`, when given, is the wall time of every change of the batch: what the caller has
    /// already derived something from (the day in a case number), so that both say the same.
    func recordInTransaction(_ drafts: [ChangeDraft], db: Database, at instant: Int64? = nil) throws -> [Change] {
        try refreshIfChangedElsewhere()
        try refuseIfRevoked()
        try checkHealBeforeRecording()
        try checkClockBeforeRecording()
        var head = try chainHead(of: identity.code)
        var made: [Change] = []
        made.reserveCapacity(drafts.count)
        try inCaseBatch(db: db) {
            for draft in drafts {
                let wall = instant ?? now()
                var change = Change(
                    origin: identity.code, seq: head.seq + 1, hlc: clock.tick(now: wall), wall: wall, actor: draft.actor,
                    entity: draft.entity, kind: draft.kind, payload: try stampingDocumentNumber(draft, wall: wall, db: db), parties: [], prev: head.hash)
                let folded = try foldBeforeRecording(&change)
                let (body, payloadRange) = change.encodedBody()
                change.hash = SHA256.hash(body)
                change.sig = try signingKey.sign(change.hash)
                try insert(change, source: nil, db: db, payloadText: body[payloadRange])
                if let (history, before) = folded {
                    keep(history, replacing: before)
                } else {
                    try materialize(change, db: db, strict: true)
                }
                head = (change.seq, change.hash)
                made.append(change)
            }
        }
        try db.run("UPDATE node SET hlc = ? WHERE id = 1", .integer(clock.last.rawValue))
        return made
    }

    /// Checks a case change about to be recorded by folding it into the case's history once: a
    /// refused transition throws; the parties of the case after it become its routing keys, and a
    /// contact update names the writes it saw (field_last_writer). Returns the new history and the
    /// one it replaces, which the caller keeps once the change is stored. Anything else goes to
    /// every node and is applied by materialize after it is stored.
    func foldBeforeRecording(_ change: inout Change) throws -> (CaseHistory, CaseMilestones?)? {
        if change.kind == NoticeKind.oneTimeIssued {
            // A notice concerns one applicant at one node: it goes up to the county, never down elsewhere.
            change.parties = [change.origin]
            return nil
        }
        guard ChangeKinds.isCaseKind(change.kind) else {
            change.parties = [EntityName.everyone]
            return nil
        }
        // Taken out of the cache so that folding mutates the only copy (no copy of the whole
        // history per change); the caller keeps the result, a rollback drops the caches anyway.
        let known = try cachedHistory(change.entity) != nil
        var history = caseCache.removeValue(forKey: change.entity) ?? CaseHistory(number: change.entity)
        let before = known ? CaseMilestones(history) : nil
        if change.kind == CaseAction.updateContact.kind { change.payload = history.stampingSeen(change.payload) }
        guard history.last.map({ $0.precedes(ChangeRef(change)) }) ?? true else {
            // The clock guarantees a change made here sorts last; if it ever did not, replay after storing.
            let replayed = CaseHistory(number: change.entity, changes: try changes(ofEntity: change.entity) + [change])
            change.parties = replayed.state?.parties ?? []
            return (replayed, nil)
        }
        try history.apply(change, strict: true)
        change.parties = history.state?.parties ?? []
        return (history, before)
    }

    /// The routing keys a change would get if recorded now (the rebase re-records set-aside changes
    /// with it): throws the CaseError that would refuse it.
    func partiesBeforeRecording(_ change: Change) throws -> [String] {
        var copy = change
        _ = try foldBeforeRecording(&copy)
        return copy.parties
    }

    /// The last seq and hash of an origin's chain as held here; seq 0 and the zero hash before its first change.
    public func chainHead(of origin: String) throws -> (seq: Int64, hash: [UInt8]) {
        let statement = try db.cachedStatement("SELECT last_seq, last_hash FROM origins WHERE origin = ?")
        defer { statement.reset() }
        try statement.bind(origin, at: 1)
        guard try statement.step() else { return (0, Change.zeroHash) }
        return (statement.int64(0), statement.blob(1))
    }

    /// Appends a change to the log with its routing positions and advances its origin's chain head
    /// (unless `advancesHead` is false: an ingest advances each origin's head once, at the end).
    /// `payloadText`, when given, is the payload's canonical text already made (with the hash).
    func insert(_ change: Change, source: String?, db: Database, payloadText: ArraySlice<UInt8>? = nil, advancesHead: Bool = true) throws {
        let statement = try db.cachedStatement("""
            INSERT INTO changes (origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig, source, stored_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind(change.origin, at: 1)
        try statement.bind(change.seq, at: 2)
        try statement.bind(change.hlc.rawValue, at: 3)
        try statement.bind(change.wall, at: 4)
        try statement.bind(change.actor, at: 5)
        try statement.bind(change.entity, at: 6)
        try statement.bind(change.kind, at: 7)
        try statement.bindText(payloadText ?? change.payload.canonicalBytes[...], at: 8)
        try statement.bind(JSONValue.strings(change.parties).canonicalString, at: 9)
        try statement.bind(change.prev, at: 10)
        try statement.bind(change.hash, at: 11)
        try statement.bind(change.sig, at: 12)
        if let source { try statement.bind(source, at: 13) } else { try statement.bindNull(at: 13) }
        try statement.bind(now(), at: 14)
        try statement.run()
        try route(change, lsn: db.lastInsertRowID, db: db)
        if advancesHead { try advanceHead(of: change.origin, to: change.seq, hash: change.hash, db: db) }
        try noteCaseNumberIssued(by: change, db: db)
        try noteDocumentNumberIssued(by: change, db: db)
    }

    /// Moves an origin's chain head forward to `seq` (never back).
    func advanceHead(of origin: String, to seq: Int64, hash: [UInt8], db: Database) throws {
        let head = try db.cachedStatement("""
            INSERT INTO origins (origin, last_seq, last_hash) VALUES (?, ?, ?)
            ON CONFLICT (origin) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash
            WHERE excluded.last_seq > origins.last_seq
            """)
        try head.bind(origin, at: 1)
        try head.bind(seq, at: 2)
        try head.bind(hash, at: 3)
        try head.run()
    }
}
