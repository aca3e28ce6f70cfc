import LiandongDomain

/// Restore repair for a child (DESIGN §7, truth over cursors): a node restored from an old backup
/// takes its own lost changes back from its parent, then signs again, after them, whatever it made
/// since the restore, so that it never forks its own chain.
///
/// The sync client calls, after `hello`:
/// 1. `noteParentHead(_:)` with the parent's head of this node's origin (or `divergence` to only ask);
/// 2. when the answer has a `fetchAfter`, `fetch` this node's origin after it (every page) and pass
///    the copies to `adoptOwnChanges`, before pushing anything of its own.
extension NodeStore {
    static let ownAcknowledgedSetting = "own_acked_seq"

    /// The highest seq of this node's own chain its parent is known to hold identically. A restored
    /// node gets it back from its backup, which is never beyond what the parent holds: the seq after
    /// which to fetch its lost changes.
    public func lastAcknowledgedOwnSeq() throws -> Int64 {
        let text = try db.query("SELECT value FROM settings WHERE key = ?", [.text(Self.ownAcknowledgedSetting)]).first?.text("value")
        return text.flatMap { Int64($0) } ?? 0
    }

    /// How this node's own chain stands against the parent's head of it (from `hello`). Reads only.
    public func divergence(parentHead: (seq: Int64, hash: [UInt8])) throws -> RestoreState {
        try db.read { _ in
            let own = try chainHead(of: identity.code)
            let acknowledged = try lastAcknowledgedOwnSeq()
            if parentHead.seq <= 0 { return own.seq == 0 ? .inStep : .ahead(by: own.seq) }
            if own.seq < parentHead.seq {
                // Restored: the parent holds more. Whether the changes made since the restore collide
                // with the lost ones cannot be told from one head; adoptOwnChanges sorts it out.
                return .behind(fetchAfter: min(acknowledged, own.seq))
            }
            guard let held = try heldHash(ChangeID(origin: identity.code, seq: parentHead.seq)), held == parentHead.hash else {
                return .diverged(fetchAfter: min(acknowledged, parentHead.seq - 1))
            }
            return own.seq == parentHead.seq ? .inStep : .ahead(by: own.seq - parentHead.seq)
        }
    }

    /// Like `divergence`, and remembers the parent's head as acknowledged when this node holds it
    /// identically: call it with the parent's head of this node's origin after every `hello` and `push`.
    /// A restored node's wait for its parent ends there too: the parent holds nothing this node lacks.
    @discardableResult
    public func noteParentHead(_ parentHead: (seq: Int64, hash: [UInt8])) throws -> RestoreState {
        let state = try divergence(parentHead: parentHead)
        switch state {
        case .inStep, .ahead:
            if parentHead.seq > (try lastAcknowledgedOwnSeq()) {
                try db.write { db in try setAcknowledgedOwnSeq(parentHead.seq, db: db) }
            }
            try noteParentReturned(head: parentHead)
        case .behind, .diverged:
            break
        }
        return state
    }

    private func setAcknowledgedOwnSeq(_ seq: Int64, db: Database) throws {
        try db.run("""
            INSERT INTO settings (key, value) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE CAST(settings.value AS INTEGER) < CAST(excluded.value AS INTEGER)
            """, .text(Self.ownAcknowledgedSetting), .text(String(seq)))
    }

    /// Takes back this node's own changes from its parent's copies (`fetch`: this node's origin after
    /// some seq, in seq order), in one transaction.
    ///
    /// Every copy is checked first (this node's origin, contiguous seqs, hash, chain link, this node's
    /// own signature); one bad copy refuses the whole call and writes nothing. A copy held identically
    /// is skipped; a copy beyond the local head is stored and applied. Where this node holds a
    /// different change at the same seq (made since the restore, so never acknowledged: the parent holds
    /// another change there), every local change from that seq on is set aside, removed from the log,
    /// the copies are stored, and the set-aside changes are recorded again after them with a new seq,
    /// HLC and signature, keeping their actor, entity, kind, payload and wall time. A case accepted
    /// since the restore whose number the copies already use gets a new number (`rebase_log`).
    ///
    /// Pass every page of `fetch` in one call: a partial call is safe, but may renumber a case twice.
    @discardableResult
    public func adoptOwnChanges(_ parentCopies: [Change]) throws -> RebaseOutcome {
        try adoptOwnChanges(parentCopies, from: NodeCode.parent(of: identity.code) ?? identity.code)
    }

    /// `adoptOwnChanges` with the neighbour the copies came from (their `source`).
    @discardableResult
    public func adoptOwnChanges(_ copies: [Change], from source: String) throws -> RebaseOutcome {
        guard !copies.isEmpty else { return RebaseOutcome() }
        try checkOwnCopies(copies)
        return try writeRecording { db in try adoptInTransaction(copies, source: source, db: db) }
    }

    /// Checks the copies as a whole before anything is written.
    private func checkOwnCopies(_ copies: [Change]) throws {
        let own = identity.code
        for (index, copy) in copies.enumerated() {
            let id = ChangeID(origin: copy.origin, seq: copy.seq)
            guard copy.origin == own else {
                throw StoreError("rebase_foreign_origin", "取回的副本 \(id) 不是本节点 \(own) 的变更，已全部拒收，未写入任何内容",
                                 details: ["change": id.description])
            }
            if index > 0, copy.seq != copies[index - 1].seq + 1 {
                throw StoreError("rebase_out_of_order", "取回的副本须按序号连续排列：\(copies[index - 1].seq) 之后是 \(copy.seq)，已全部拒收",
                                 details: ["change": id.description])
            }
            guard SHA256.hash(copy.signingBody) == copy.hash else {
                throw StoreError("rebase_bad_hash", "取回的副本 \(id) 的内容与哈希不符：途中被改动，已全部拒收，未写入任何内容",
                                 details: ["change": id.description])
            }
            if index > 0, copy.prev != copies[index - 1].hash {
                throw StoreError("rebase_broken_chain", "取回的副本 \(id) 与前一副本的哈希链不符，已全部拒收，未写入任何内容",
                                 details: ["change": id.description])
            }
        }
        // The chain ties every copy to the last one: its signature covers them all (DESIGN §5). A
        // re-enrolled node's old chain is signed with its old key: each key checks its own seqs.
        let keys = originKeys(of: own)
        let lastOfEachKey = copies.indices.filter { $0 == copies.count - 1 || keys?.epoch(of: copies[$0].seq) != keys?.epoch(of: copies[$0 + 1].seq) }
        guard keys != nil, lastOfEachKey.allSatisfy({ keys?.judge(copies[$0]) == .valid }) else {
            let bad = copies.first { keys?.judge($0) != .valid } ?? copies[copies.count - 1]
            let id = ChangeID(origin: bad.origin, seq: bad.seq)
            throw StoreError("rebase_bad_signature", "取回的副本 \(id) 的签名不是本节点的签名：伪造或被篡改，已全部拒收，未写入任何内容",
                             details: ["change": id.description])
        }
    }

    private func adoptInTransaction(_ copies: [Change], source: String, db: Database) throws -> RebaseOutcome {
        try refreshIfChangedElsewhere()
        let own = identity.code
        var outcome = RebaseOutcome()
        let head = try chainHead(of: own)
        guard let first = copies.first, let last = copies.last else { return outcome }
        if first.seq - 1 > head.seq {
            throw StoreError("rebase_gap", "本节点只有到 #\(head.seq) 的变更，取回的副本从 #\(first.seq) 开始：请从 #\(head.seq) 之后取回",
                             details: ["fetchAfter": String(head.seq)])
        }
        let link = try first.seq == 1 ? Change.zeroHash : heldHash(ChangeID(origin: own, seq: first.seq - 1))
        guard link == first.prev else {
            let from = try lastAcknowledgedOwnSeq()
            throw StoreError("rebase_diverged_earlier", "取回的副本 #\(first.seq) 接不上本节点的 #\(first.seq - 1)：分歧更早，请从 #\(from) 之后取回",
                             details: ["fetchAfter": String(min(from, first.seq - 2))])
        }

        // Where the copies part from what is held here: before it everything is held identically.
        var fork: Int64?
        var toStore: [Change] = []
        for copy in copies {
            if fork == nil, copy.seq <= head.seq {
                if try heldHash(ChangeID(origin: own, seq: copy.seq)) == copy.hash {
                    outcome.alreadyHeld += 1
                    continue
                }
                fork = copy.seq
            }
            toStore.append(copy)
        }
        try setAcknowledgedOwnSeq(last.seq, db: db)
        guard !toStore.isEmpty else { return outcome }

        var drafts: [Change] = []
        var cases = Set<String>()
        if let fork {
            drafts = try ownChanges(fromSeq: fork, db: db)
            // A removed resolution may have settled a conflict on other cases (a possible duplicate's set): they are replayed too.
            for draft in drafts where draft.kind == ConflictKind.resolved {
                guard let id = draft.payload["conflict"]?.stringValue else { continue }
                cases.formUnion(try db.query("SELECT entity FROM conflicts WHERE id = ?", [.text(id)]).compactMap { $0.text("entity") })
                cases.formUnion(try duplicateCases(of: id, db: db))
            }
            try removeOwnChanges(fromSeq: fork, db: db)
            outcome.setAside = drafts.map { ChangeID(origin: $0.origin, seq: $0.seq) }
            // Positions in the log may be given out again: children of this node must re-read it.
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('epoch', ?)", .text(Hex.encode(try secureRandomBytes(16))))
        }
        forgetDerivedState()

        for copy in toStore {
            try insert(copy, source: source, db: db)
            observeOwn(copy.hlc)
            if ChangeKinds.family(of: copy.kind) == .caseWorkflow {
                cases.insert(copy.entity)
            } else {
                try materialize(copy, db: db, strict: false)
            }
            outcome.adopted.append(ChangeID(origin: copy.origin, seq: copy.seq))
        }
        for draft in drafts where ChangeKinds.family(of: draft.kind) == .caseWorkflow { cases.insert(draft.entity) }
        for number in cases.sorted() { try replayCase(number, db: db) }

        // Every number the set-aside changes carry is spent before a new one is given out.
        for draft in drafts {
            try noteCaseNumberIssued(by: draft, db: db)
            try noteDocumentNumberIssued(by: draft, db: db)
        }
        var renames: [String: String] = [:]
        let at = now()
        for draft in drafts where draft.kind == CaseAction.accept.kind || draft.kind == CaseAction.refuse.kind {
            guard ownCaseNumberParts(draft.entity) != nil, renames[draft.entity] == nil,
                try db.scalarInt("SELECT count(*) FROM changes WHERE entity = ?", [.text(draft.entity)]) ?? 0 > 0
            else { continue }
            let number = try issueCaseNumber(on: draft.wallDate, db: db)
            renames[draft.entity] = number
            try db.run("INSERT INTO rebase_log (old_number, new_number, at) VALUES (?, ?, ?)", .text(draft.entity), .text(number), .integer(at))
            outcome.renumbered.append(.init(oldNumber: draft.entity, newNumber: number, at: at))
        }

        // Document numbers the adopted copies already carry are given to the set-aside changes anew.
        let restamped = try restampingDocumentNumbers(drafts, taken: toStore, db: db)
        var chain = try chainHead(of: own)
        for draft in drafts {
            var change = Change(
                origin: own, seq: chain.seq + 1, hlc: clock.tick(now: now()), wall: draft.wall, actor: draft.actor,
                entity: restamped[draft.seq].flatMap { draft.kind == NoticeKind.oneTimeIssued ? NoticeKind.entity($0) : nil }
                    ?? renames[draft.entity] ?? draft.entity, kind: draft.kind,
                payload: (renames.isEmpty ? draft.payload : draft.payload.replacingStrings(renames)).replacingDocumentNumber(restamped[draft.seq])
                    .notingRenumbering(from: renames[draft.entity] != nil && (draft.kind == CaseAction.accept.kind || draft.kind == CaseAction.refuse.kind) ? draft.entity : nil),
                parties: [], prev: chain.hash)
            do {
                change.parties = try partiesBeforeRecording(change)
            } catch let error as CaseError {
                // A step taken again after the restore that the adopted changes already took (or that
                // they made impossible): signed again it would only be refused by every receiver, so
                // it is kept here for staff instead (`rebase_set_aside`), never lost silently.
                let original = ChangeID(origin: own, seq: draft.seq)
                try db.run("""
                    INSERT INTO rebase_set_aside (old_seq, entity, kind, actor, payload, wall, reason, message, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, .integer(draft.seq), .text(change.entity), .text(change.kind), .text(change.actor),
                    .text(change.payload.canonicalString), .integer(change.wall), .text(error.code), .text(error.message), .integer(at))
                outcome.refused.append(.init(change: original, reason: error.code, message: "恢复后办理的「\(change.kind)」（办件 \(change.entity)）与取回的记录冲突，未重新记录：\(error.message)"))
                continue
            }
            change.hash = SHA256.hash(change.signingBody)
            change.sig = try signingKey.sign(change.hash)
            try insert(change, source: nil, db: db)
            try materialize(change, db: db, strict: false)
            chain = (change.seq, change.hash)
            outcome.rerecorded.append(ChangeID(origin: own, seq: change.seq))
        }
        try db.run("UPDATE node SET hlc = ? WHERE id = 1", .integer(clock.last.rawValue))
        return outcome
    }

    /// Moves the clock past a reading this node itself made before its restore, however far ahead.
    private func observeOwn(_ hlc: HLC) {
        if hlc > clock.last { clock = HybridClock(last: hlc, maxSkewMillis: clock.maxSkewMillis) }
    }

    /// This node's own changes from seq on, in seq order.
    func ownChanges(fromSeq seq: Int64, db: Database) throws -> [Change] {
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes WHERE origin = ? AND seq >= ? ORDER BY seq")
        try statement.bind(identity.code, at: 1)
        try statement.bind(seq, at: 2)
        var result: [Change] = []
        while try statement.step() { result.append(try NodeStore.decodeChange(statement)) }
        return result
    }

    /// Removes this node's own changes from seq on: from the log, from every table that indexes the
    /// log by lsn (routing keys, and whatever later migrations add, such as `routes`), from the
    /// conflicts they caused, and from the chain head.
    func removeOwnChanges(fromSeq seq: Int64, db: Database) throws {
        let own = identity.code
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'changes' ORDER BY name").compactMap { $0.text("name") }
        for table in tables {
            let columns = try db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]).compactMap { $0.text("name") }
            guard columns.contains("lsn") else { continue }
            try db.run("DELETE FROM \"\(table)\" WHERE lsn IN (SELECT lsn FROM changes WHERE origin = ? AND seq >= ?)", .text(own), .integer(seq))
        }
        // Conflict records are derived: those of the entities touched are re-derived (the cases are replayed after).
        // Possible duplicates stay until then: the replay re-derives the sets the cases were on, and
        // so the set the other cases still make without them (writeDuplicates).
        try db.run("""
            DELETE FROM conflicts WHERE entity IN (SELECT entity FROM changes WHERE origin = ? AND seq >= ?) AND rule <> 'possible_duplicate'
            """, .text(own), .integer(seq))
        try db.run("DELETE FROM changes WHERE origin = ? AND seq >= ?", .text(own), .integer(seq))
        if seq <= 1 {
            try db.run("DELETE FROM origins WHERE origin = ?", .text(own))
        } else {
            try db.run("""
                UPDATE origins SET last_seq = ?, last_hash = (SELECT hash FROM changes WHERE origin = ? AND seq = ?) WHERE origin = ?
                """, .integer(seq - 1), .text(own), .integer(seq - 1), .text(own))
        }
    }

    /// The case numbers this node changed after restores, oldest first, for staff.
    public func renumberedCases() throws -> [RebaseOutcome.Renumbering] {
        try db.query("SELECT old_number, new_number, at FROM rebase_log ORDER BY id").map {
            .init(oldNumber: $0.text("old_number") ?? "", newNumber: $0.text("new_number") ?? "", at: $0.int64("at") ?? 0)
        }
    }
}

extension JSONValue {
    /// The value with every string equal to a key of `renames` replaced by its value (a case number
    /// named in a payload follows the case's new number).
    func replacingStrings(_ renames: [String: String]) -> JSONValue {
        switch self {
        case .string(let text): return .string(renames[text] ?? text)
        case .array(let items): return .array(items.map { $0.replacingStrings(renames) })
        case .object(let fields): return .object(fields.mapValues { $0.replacingStrings(renames) })
        case .null, .bool, .int: return self
        }
    }
}
