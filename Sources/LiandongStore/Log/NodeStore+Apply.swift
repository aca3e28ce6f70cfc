import LiandongDomain

/// PendingCaseWrites is what a write transaction has derived and not yet written: cases whose row
/// and conflict records are out of date, cases whose possible-duplicate sets must be re-derived, and
/// catalog items whose publication may change the cases accepted under them. It is written once at
/// the end of the batch (`flushCaseWrites`), so that a batch of many changes of one case encodes
/// and hashes its state once.
struct PendingCaseWrites {
    var cases: Set<String> = []
    /// The cases that opened, closed, were replayed or got a resolution: their possible duplicates are re-derived.
    var duplicates: Set<String> = []
    /// Items published in the batch, with the earliest publication's HLC.
    var items: [String: HLC] = [:]
    /// Nested batches (a recording inside an ingest): only the outermost flushes.
    var depth = 0
    /// The history revision whose conflict records are in the table, per case.
    var writtenRevision: [String: Int] = [:]
    /// The parties each case's routes name, as routed in this batch (`route`), so that the next
    /// change of the case need not read them back.
    var routed: [String: [String]] = [:]
    /// The county's publications of each item (item_version_at_acceptance), read once.
    var publications: [String: [(ref: ChangeRef, version: Int64)]] = [:]
}

/// What of a case's history decides whether its possible-duplicate set is re-derived.
struct CaseMilestones: Equatable {
    var opened: ChangeRef?
    var closed: ChangeRef?
    var resolutions: Int

    init(_ history: CaseHistory) {
        opened = history.opened
        closed = history.closed
        resolutions = history.resolutions.count
    }
}

extension NodeStore {
    /// Applies a stored change to the materialized state. `strict` is for changes made here: a rule
    /// that refuses it throws, so that the whole recording rolls back. For changes from elsewhere
    /// the change stays in the log and the refusal becomes a conflict record (DESIGN §6).
    func materialize(_ change: Change, db: Database, strict: Bool) throws {
        try inCaseBatch(db: db) {
            switch change.kind {
            case let kind where ChangeKinds.isCaseKind(kind):
                try materializeCase(change, db: db, strict: strict)
            case CatalogKind.itemPublished:
                try materializePublication(change, db: db, strict: strict)
                if let code = change.payload["code"]?.stringValue {
                    pendingWrites.items[code] = min(pendingWrites.items[code] ?? change.hlc, change.hlc)
                    pendingWrites.publications[code] = nil
                }
            case CatalogKind.calendarYearSet, EvaluationSettings.kind:
                try materializePublication(change, db: db, strict: strict)
            case NodeKind.registered, NodeKind.revoked, NodeRekey.kind, CertificateAnnouncement.kind:
                try materializeRegistry(change, db: db, strict: strict)
            case NoticeKind.oneTimeIssued:
                try materializeNotice(change, db: db, strict: strict)
            case RestoreHeal.healedKind:
                // The record of a heal (what was lost, who was waived): read from the log, nothing to derive.
                break
            default:
                if strict { throw CaseError.unknownKind(change.kind) }
                _ = try refusedByKindRules(change, db: db, strict: strict)
            }
        }
    }

    /// Judges a change outside the case workflow by the table of kinds (ChangeKinds): true when it
    /// cannot apply. A change made here then throws, so that the recording rolls back; one from
    /// elsewhere stays in the log with a conflict record saying why (DESIGN §6).
    func refusedByKindRules(_ change: Change, db: Database, strict: Bool) throws -> Bool {
        guard let (rule, message) = ChangeKinds.problem(of: change) else { return false }
        if strict { throw StoreError(rule.rawValue, message) }
        try recordConflict(for: change, rule: rule.rawValue, message: message, db: db)
        return true
    }

    /// Forgets what a rolled-back transaction derived: states of cases never written, publications never stored.
    func dropCachesAfterRollback() {
        // Keys read inside the transaction may come from a registration or re-key it applied.
        forgetDerivedState()
        seenLogGeneration = nil
        pendingWrites = PendingCaseWrites()
    }

    /// Runs body as part of a batch whose case writes are flushed once, when the outermost batch ends.
    func inCaseBatch<T>(db: Database, _ body: () throws -> T) throws -> T {
        pendingWrites.depth += 1
        let result: T
        do {
            result = try body()
        } catch {
            pendingWrites.depth -= 1
            throw error
        }
        pendingWrites.depth -= 1
        if pendingWrites.depth == 0 { try flushCaseWrites(db: db) }
        return result
    }

    /// Extends the case's history when the change sorts after everything folded so far, and
    /// replays the case from its log otherwise (a change that arrived out of order). The change
    /// is already in the log.
    func materializeCase(_ change: Change, db: Database, strict: Bool) throws {
        try refreshIfChangedElsewhere()
        let number = change.entity
        let ref = ChangeRef(change)
        // Taken out of the cache so that the fold mutates the only copy; kept again right after.
        if var history = caseCache.removeValue(forKey: number), history.last.map({ $0.precedes(ref) }) ?? false {
            let before = CaseMilestones(history)
            try history.apply(change, strict: strict)
            keep(history, replacing: before)
            return
        }
        // A case's first change (most often its acceptance) is its whole log: replay it as it is,
        // without reading back and decoding what was just stored.
        let held = try heldChangeCount(ofEntity: number) == 1 ? [change] : try changes(ofEntity: number)
        let history = CaseHistory(number: number, changes: held)
        if strict, history.state == nil { throw CaseError.caseNotFound(number) }
        keep(history, replacing: nil)
    }

    /// How many changes of an entity the log holds.
    func heldChangeCount(ofEntity entity: String) throws -> Int64 {
        let statement = try db.cachedStatement("SELECT count(*) FROM changes WHERE entity = ?")
        defer { statement.reset() }
        try statement.bind(entity, at: 1)
        return try statement.step() ? statement.int64(0) : 0
    }

    /// Re-derives a case from all of its changes in the log and rewrites its row and conflicts.
    func replayCase(_ number: String, db: Database) throws {
        try inCaseBatch(db: db) {
            keep(CaseHistory(number: number, changes: try changes(ofEntity: number)), replacing: nil)
        }
    }

    /// Caches a case's new history and notes what must be written: its row, its conflict records
    /// and, when it opened, closed or got a resolution (which may settle a possible duplicate), its applicant group.
    func keep(_ history: CaseHistory, replacing before: CaseMilestones?) {
        caseCache[history.number] = history
        pendingWrites.cases.insert(history.number)
        // A replayed history counts its revisions afresh: its records are always rewritten.
        if before == nil { pendingWrites.writtenRevision[history.number] = nil }
        if before != CaseMilestones(history) { pendingWrites.duplicates.insert(history.number) }
    }

    /// The case's history, from the cache or by replay; nil when this node holds none of its changes.
    func cachedHistory(_ number: String) throws -> CaseHistory? {
        try refreshIfChangedElsewhere()
        if let cached = caseCache[number] { return cached }
        let changes = try changes(ofEntity: number)
        guard !changes.isEmpty else { return nil }
        let history = CaseHistory(number: number, changes: changes)
        if caseCache.count > NodeStore.caseCacheLimit, pendingWrites.depth == 0, pendingWrites.cases.isEmpty { caseCache.removeAll(keepingCapacity: true) }
        caseCache[number] = history
        pendingWrites.writtenRevision[number] = nil
        return history
    }

    /// The current state of a case, or nil when this node holds no acceptance for it.
    public func caseState(_ number: String) throws -> CaseState? {
        try cachedHistory(number)?.state
    }

    /// Writes what the batch changed: each case's row once, its conflict records when they changed,
    /// the possible-duplicate sets of the cases touched, and the item-version records of cases under
    /// a newly published item.
    func flushCaseWrites(db: Database) throws {
        let pending = pendingWrites
        pendingWrites.cases.removeAll()
        pendingWrites.duplicates.removeAll()
        pendingWrites.items.removeAll()
        pendingWrites.routed.removeAll()
        var rewrite: Set<String> = []
        for (code, hlc) in pending.items.sorted(by: { $0.key < $1.key }) {
            try db.forEachRow("SELECT number FROM cases WHERE item_code = ? AND opened_hlc >= ?", [.text(code), .integer(hlc.rawValue)]) { row in
                if let number = row.text("number") { rewrite.insert(number) }
            }
        }
        for number in pending.cases.union(rewrite).sorted() {
            guard let history = try cachedHistory(number) else { continue }
            if let state = history.state {
                try writeCase(state, last: history.last, opened: history.opened, closed: history.closed, db: db)
            } else {
                try db.run("DELETE FROM cases WHERE number = ?", .text(number))
                try db.run("DELETE FROM negative_filings WHERE number = ?", .text(number))
                try db.run("DELETE FROM case_figures WHERE number = ?", .text(number))
            }
            if rewrite.contains(number) || pendingWrites.writtenRevision[number] != history.revision {
                try writeConflicts(of: history, db: db)
                pendingWrites.writtenRevision[number] = history.revision
            }
        }
        if !pending.duplicates.isEmpty { try writeDuplicates(changed: pending.duplicates, db: db) }
        // The caches now reflect the log as this transaction leaves it (a rollback drops them).
        seenLogGeneration = try logGeneration()
        // Everything derived is written: past the bound the cache starts afresh, so that a server
        // that runs for months holds the cases it works on, not every case it ever received.
        if caseCache.count > NodeStore.caseCacheLimit {
            caseCache.removeAll(keepingCapacity: true)
            pendingWrites.writtenRevision.removeAll(keepingCapacity: true)
        }
    }

    /// Case histories kept in memory between batches.
    static let caseCacheLimit = 4096

    /// Writes a case's row. A case's identity (its item, acceptor, applicant and acceptance) does not
    /// move after it opens: the upsert sets only what does, and a second statement rewrites the
    /// identity only when it differs (a replay that took another acceptance). SQLite rewrites every
    /// index on a column a SET names, even to the same value: three of the six indexes of `cases`
    /// are then left alone on each later change of the case.
    func writeCase(_ state: CaseState, last: ChangeRef?, opened: ChangeRef?, closed: ChangeRef?, db: Database) throws {
        let row = NodeStore.caseRow(state, last: last, opened: opened, closed: closed)
        let upsert = try db.cachedStatement(NodeStore.caseUpsert)
        try upsert.bind(row)
        try upsert.run()
        let rewrite = try db.cachedStatement(NodeStore.caseIdentityRewrite)
        try rewrite.bind(NodeStore.caseIdentityIndexes.map { row[$0] })
        try rewrite.run()
        try writeNegativeFilings(state, db: db)
        try writeFigures(of: state, db: db)
    }

    /// The columns of a case's row fixed when it opens (number first).
    static let caseIdentityColumns = ["number", "item_code", "item_kind", "acceptor", "applicant_id", "accepted_at", "accepted_on", "opened_hlc"]
    static let caseIdentityIndexes = caseIdentityColumns.map { caseColumns.firstIndex(of: $0)! }

    static let caseUpsert = """
        INSERT INTO cases (\(caseColumns.joined(separator: ", "))) VALUES (\(caseColumns.map { _ in "?" }.joined(separator: ", ")))
        ON CONFLICT (number) DO UPDATE SET
        \(caseColumns.filter { !caseIdentityColumns.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
        """

    /// Sets the identity columns (?2…) of case ?1 only where one differs: otherwise it writes nothing.
    static let caseIdentityRewrite: String = {
        let identity = caseIdentityColumns.dropFirst().enumerated()
        return """
            UPDATE cases SET \(identity.map { "\($1) = ?\($0 + 2)" }.joined(separator: ", "))
            WHERE number = ?1 AND (\(identity.map { "\($1) IS NOT ?\($0 + 2)" }.joined(separator: " OR ")))
            """
    }()

    /// The `cases` columns of a state, in table order: what writeCase stores and verify re-derives.
    /// opened_hlc and closed_hlc are what possible_duplicate finds the cases around a change by.
    static let caseColumns = [
        "number", "item_code", "item_kind", "status", "acceptor", "holder", "decider", "applicant_id", "accepted_at",
        "accepted_on", "completed_on", "clock", "state", "state_hash", "last_hlc", "last_origin", "last_seq", "opened_hlc",
        "closed_hlc",
    ]

    static func caseRow(_ state: CaseState, last: ChangeRef?, opened: ChangeRef?, closed: ChangeRef?) -> [SQLValue] {
        let json = state.canonicalBytes
        let completedOn = state.decision?.on ?? state.withdrawal?.on ?? (state.status == .refused ? state.acceptedOn : nil)
        return [
            .text(state.number), .text(state.item.code), .text(state.item.kind.rawValue), .text(state.status.rawValue),
            .text(state.acceptor), .text(state.holder), .text(state.decider), .text(state.applicant.idNumber),
            .integer(state.acceptedAt), .text(state.acceptedOn.iso), completedOn.map { .text($0.iso) } ?? .null,
            .text(CaseClock(state: state).json.canonicalString), .text(String(decoding: json, as: UTF8.self)), .blob(SHA256.hash(json)),
            .integer(last?.hlc.rawValue ?? 0), .text(last?.origin ?? ""), .integer(last?.seq ?? 0),
            opened.map { .integer($0.hlc.rawValue) } ?? .null, closed.map { .integer($0.hlc.rawValue) } ?? .null,
        ]
    }
}
