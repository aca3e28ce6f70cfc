import LiandongDomain

extension NodeStore {
    /// Stores and applies a batch of changes from a neighbour, in one transaction (DESIGN §7).
    /// Each change is checked: its hash, the link to what is held, the last signature of each
    /// contiguous run, its origin (registered, not revoked, in the sender's subtree when the sender
    /// is a child), its clock and its authority. One bad change is quarantined with its reason;
    /// the rest of the batch lands. Repeating a batch is harmless: held changes are duplicates.
    public func ingest(_ batch: [Change], from neighbour: String) throws -> IngestOutcome {
        try ingest(ArrivingChange.prepare(batch), from: neighbour)
    }

    /// The same, for changes whose bytes were hashed before the writer was taken (PushIngest).
    /// `contactProtocol`, for a child's push, records the contact in the same commit (one disk sync).
    public func ingest(_ batch: [ArrivingChange], from neighbour: String, contactProtocol: Int64? = nil) throws -> IngestOutcome {
        do {
            return try db.write { db in
                if let contactProtocol { try recordContact(child: neighbour, protocolVersion: contactProtocol, address: nil, db: db) }
                // Registry changes first: a batch that registers a node and carries its changes
                // must find the key before checking them, or they would be quarantined as unknown.
                let registry = batch.filter { ChangeKinds.isRegistryKind($0.change.kind) }
                guard !registry.isEmpty, registry.count < batch.count else { return try ingestInTransaction(batch, from: neighbour, db: db) }
                var outcome = try ingestInTransaction(registry, from: neighbour, db: db)
                let rest = try ingestInTransaction(batch.filter { !ChangeKinds.isRegistryKind($0.change.kind) }, from: neighbour, db: db)
                outcome.stored += rest.stored
                outcome.duplicates += rest.duplicates
                outcome.quarantined += rest.quarantined
                return outcome
            }
        } catch {
            dropCachesAfterRollback()
            throw error
        }
    }

    func ingestInTransaction(_ batch: [ArrivingChange], from neighbour: String, db: Database) throws -> IngestOutcome {
        var outcome = IngestOutcome()
        let fromChild = NodeCode.isBelow(neighbour, identity.code)
        let sorted = batch.sorted {
            $0.change.origin != $1.change.origin ? $0.change.origin.utf8.lexicographicallyPrecedes($1.change.origin.utf8) : $0.change.seq < $1.change.seq
        }
        var candidates: [Change] = []
        var seen = Set<ChangeID>()
        var batchHashes: [ChangeID: [UInt8]] = [:]
        var views = OriginViews(store: self)
        // The payload text each change was hashed with: stored as it is.
        var payloadTexts: [ChangeID: ArraySlice<UInt8>] = [:]
        let nowMillis = now()

        func quarantine(_ change: Change, _ reason: String, _ message: String) throws {
            outcome.quarantined.append(.init(change: ChangeID(origin: change.origin, seq: change.seq), reason: reason, message: message))
            try db.run("""
                INSERT OR IGNORE INTO quarantine (origin, seq, hash, reason, message, wire, source, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, .text(change.origin), .integer(change.seq), .blob(change.hash), .text(reason), .text(message),
                .text(change.wireJSON.canonicalString), .text(neighbour), .integer(nowMillis))
        }

        for arriving in sorted {
            let change = arriving.change
            let id = ChangeID(origin: change.origin, seq: change.seq)
            guard seen.insert(id).inserted else {
                outcome.duplicates += 1
                continue
            }
            let view = try views.view(of: change.origin)
            // A seq above the chain head is not held: most of a push is, and needs no lookup.
            if change.seq <= view.head.seq,
                let verdict = IngestChecks.heldAtSeq(change, held: try heldHash(id), signature: { self.originKeys(of: change.origin)?.judge(change) }) {
                if case .quarantine(let reason, let message) = verdict { try quarantine(change, reason, message) } else { outcome.duplicates += 1 }
                continue
            }
            if view.hasQuarantined, try isDuplicateOfQuarantined(id, hash: change.hash) {
                outcome.duplicates += 1
                continue
            }
            let previous = ChangeID(origin: change.origin, seq: change.seq - 1)
            let held = IngestChecks.Held(
                receiver: identity.code, neighbour: neighbour, hashAtSeq: nil,
                previousHash: try batchHashes[previous] ?? (previous.seq == view.head.seq ? view.head.hash : heldHash(previous)),
                originRegistered: publicKey(of: change.origin) != nil, originRevokedAt: view.revokedAt,
                nowMillis: nowMillis, maxSkewMillis: clock.maxSkewMillis)
            if case .quarantine(let reason, let message) = IngestChecks.judge(change, bodyHash: arriving.bodyHash, held: held) {
                try quarantine(change, reason, message)
                continue
            }
            batchHashes[id] = change.hash
            payloadTexts[id] = arriving.payloadText
            candidates.append(change)
        }

        let verified = try verifySignatures(candidates, quarantine: quarantine)
        // Each origin's head moves once, to the highest change stored: nothing in between reads it.
        var heads: [String: (seq: Int64, hash: [UInt8])] = [:]
        try inCaseBatch(db: db) {
            for change in verified.sorted(by: Change.precedes) {
                if let reason = authorityProblem(change) {
                    try quarantine(change, QuarantineReason.notAuthorized, reason)
                    continue
                }
                try insert(change, source: neighbour, db: db, payloadText: payloadTexts[ChangeID(origin: change.origin, seq: change.seq)], advancesHead: false)
                if change.seq > heads[change.origin]?.seq ?? 0 { heads[change.origin] = (change.seq, change.hash) }
                try materialize(change, db: db, strict: false)
                if try views.view(of: change.origin).hasQuarantined { try settleClockQuarantine(for: change, db: db) }
                try? clock.observe(change.hlc, now: nowMillis)
                outcome.stored.append(ChangeID(origin: change.origin, seq: change.seq))
            }
            for (origin, head) in heads { try advanceHead(of: origin, to: head.seq, hash: head.hash, db: db) }
        }
        try db.run("UPDATE node SET hlc = ? WHERE id = 1", .integer(clock.last.rawValue))
        if fromChild { try noteReturnedOwnChanges(outcome.stored, from: neighbour, db: db) }
        return outcome
    }

    /// This node's own changes a child pushed back after a restore show at least that much held there:
    /// counted as its report when its hello said less (or nothing), never lowering it.
    private func noteReturnedOwnChanges(_ stored: [ChangeID], from child: String, db: Database) throws {
        guard let highest = stored.filter({ $0.origin == identity.code }).map(\.seq).max(), try restoredAwaitingHeal() != nil,
            let hash = try heldHash(ChangeID(origin: identity.code, seq: highest))
        else { return }
        try db.run("""
            INSERT INTO heal_reports (child, seq, hash, reported_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (child) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, reported_at = excluded.reported_at
            WHERE excluded.seq > heal_reports.seq OR heal_reports.reported_at < ?
            """, .text(child), .integer(highest), .blob(hash), .integer(now()), .integer(try restoredAwaitingHeal() ?? 0))
    }

    /// Checks the last signature of each contiguous run signed by one key of its origin's history
    /// (it covers the whole chain behind it); when one fails, every change of that run is checked
    /// alone to find the bad ones: a signature by a key retired before its seq is `retired_key`.
    private func verifySignatures(_ candidates: [Change], quarantine: (Change, String, String) throws -> Void) throws -> [Change] {
        var verified: [Change] = []
        var run: [Change] = []
        func close() throws {
            guard let last = run.last else { return }
            let keys = originKeys(of: last.origin)
            if keys?.judge(last) == .valid {
                verified.append(contentsOf: run)
            } else {
                for change in run {
                    if case .quarantine(let reason, let message) = IngestChecks.signature(change, judgement: keys?.judge(change) ?? .invalid) {
                        try quarantine(change, reason, message)
                    } else {
                        verified.append(change)
                    }
                }
            }
            run.removeAll()
        }
        for change in candidates {
            if let previous = run.last, !(previous.origin == change.origin && previous.seq + 1 == change.seq && change.prev == previous.hash)
                || originKeys(of: previous.origin).map({ $0.epoch(of: previous.seq) != $0.epoch(of: change.seq) }) == true {
                try close()
            }
            run.append(change)
        }
        try close()
        return verified
    }

    /// Why the origin may not make this change (check 9, DESIGN §7: authority at the receiver):
    /// the table of kinds, then the case's own rules. An unauthorised change is quarantined, not
    /// stored; a payload that does not read, or a kind this version does not know, is stored and
    /// becomes a conflict record when applied.
    func authorityProblem(_ change: Change) -> String? {
        if let (rule, message) = ChangeKinds.problem(of: change), rule == .notAuthorized { return message }
        return CaseAuthority.problem(change)
    }

    func heldHash(_ id: ChangeID) throws -> [UInt8]? {
        let statement = try db.cachedStatement("SELECT hash FROM changes WHERE origin = ? AND seq = ?")
        defer { statement.reset() }
        try statement.bind(id.origin, at: 1)
        try statement.bind(id.seq, at: 2)
        return try statement.step() ? statement.blob(0) : nil
    }

    /// The HLC from which a revoked node's changes are refused, or nil if it is not revoked.
    func revocation(of origin: String) throws -> HLC? {
        try db.scalarInt("SELECT revoked_hlc FROM nodes WHERE code = ?", [.text(origin)]).map(HLC.init(rawValue:))
    }
}

/// OriginViews reads once per ingest what the checks need of each origin: its chain head, its
/// revocation and whether anything of it is in quarantine, instead of one lookup per change.
/// Taken before the batch is stored, which is what the checks compare against.
struct OriginViews {
    struct View {
        var head: (seq: Int64, hash: [UInt8])
        var revokedAt: HLC?
        var hasQuarantined: Bool
    }

    let store: NodeStore
    private var views: [String: View] = [:]

    init(store: NodeStore) { self.store = store }

    mutating func view(of origin: String) throws -> View {
        if let view = views[origin] { return view }
        let view = View(
            head: try store.chainHead(of: origin), revokedAt: try store.revocation(of: origin),
            hasQuarantined: try store.db.scalarInt("SELECT EXISTS (SELECT 1 FROM quarantine WHERE origin = ?)", [.text(origin)]) == 1)
        views[origin] = view
        return view
    }
}
