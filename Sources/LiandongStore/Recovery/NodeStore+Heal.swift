import LiandongDomain

/// The heal of a restored node (DESIGN §7; rules in RestoreHeal): children report in their hello the
/// head they hold of this node's chain (`noteChildReport`), push back what this node lacks; the
/// parent's side is the fetch and rebase (NodeStore+Rebase.swift), after which `noteParentHead`
/// notes what the parent held (`noteParentReturned`). Until every neighbour has done so (or the operator
/// ends the wait, `endHealWait`) nothing new is recorded here, so that no seq and no case number is
/// given out twice. Reports of both kinds are kept in `heal_reports`, by the neighbour's code.
extension NodeStore {
    /// How one child stands in the heal, for status and the API.
    public struct HealChild: Sendable, Equatable {
        public var code: String
        public var state: RestoreHeal.ChildState
        public var reportedSeq: Int64?
    }

    /// The heal as it stands: the node's state, its parent's and each child's.
    public struct HealStatus: Sendable {
        public var restoredAt: Int64?
        public var state: RestoreHeal.State
        /// The parent, for a node that has one, while the node waits or healed.
        public var parent: HealChild?
        public var children: [HealChild]
        /// The lost seqs of the last heal that ended with losses (from its `node.healed` change).
        public var lost: [Int64]

        public var json: JSONValue {
            func entry(_ neighbour: HealChild) -> JSONValue {
                ["code": .string(neighbour.code), "state": .string(neighbour.state.rawValue), "reportedSeq": neighbour.reportedSeq.map { .int($0) } ?? .null]
            }
            var fields: [String: JSONValue] = [
                "healing": .bool(state.isWaiting),
                "parent": parent.map(entry) ?? .null,
                "children": .array(children.map(entry)),
                "lost": .array(lost.map { .int($0) }),
            ]
            fields["restoredAt"] = restoredAt.map { .int($0) } ?? .null
            fields["message"] = state.message.map { .string($0) } ?? .null
            return .object(fields)
        }
    }

    /// When this node was last restored, if it was since it last healed.
    func restoredAwaitingHeal() throws -> Int64? {
        let rows = try db.query("SELECT key, value FROM settings WHERE key IN ('restored_at', 'healed_at')")
        var values: [String: Int64] = [:]
        for row in rows { if let key = row.text("key"), let value = row.text("value").flatMap(Int64.init) { values[key] = value } }
        guard let restored = values["restored_at"] else { return nil }
        if let healed = values["healed_at"], healed >= restored { return nil }
        return restored
    }

    /// The direct children this node waits for: registered and not revoked, or ever heard from.
    func healChildren() throws -> [String] {
        let own = identity.code
        var codes = Set(try db.query("SELECT code FROM nodes WHERE revoked_hlc IS NULL AND length(public_key) > 0")
            .compactMap { $0.text("code") }.filter { NodeCode.parent(of: $0) == own })
        codes.formUnion(try db.query("SELECT code FROM peers WHERE relation = 'child'").compactMap { $0.text("code") })
        let revoked = Set(try db.query("SELECT code FROM nodes WHERE revoked_hlc IS NOT NULL").compactMap { $0.text("code") })
        return codes.subtracting(revoked).sorted()
    }

    /// The reports children made since `restoredAt`.
    private func healReports(since restoredAt: Int64) throws -> [String: RestoreHeal.Report] {
        var reports: [String: RestoreHeal.Report] = [:]
        for row in try db.query("SELECT child, seq, hash FROM heal_reports WHERE reported_at >= ?", [.integer(restoredAt)]) {
            guard let child = row.text("child"), let seq = row.int64("seq"), let hash = row.blob("hash") else { continue }
            reports[child] = .init(seq: seq, hash: hash)
        }
        return reports
    }

    /// The heal as it stands now. Reads only.
    public func healStatus() throws -> HealStatus {
        try refreshIfChangedElsewhere()
        let lost = try lastLostSeqs()
        guard let restoredAt = try restoredAwaitingHeal() else {
            return HealStatus(restoredAt: nil, state: .healed, parent: nil, children: [], lost: lost)
        }
        let reports = try healReports(since: restoredAt)
        func neighbour(_ code: String) throws -> HealChild {
            let report = reports[code]
            let held = try report.flatMap { try heldHash(ChangeID(origin: identity.code, seq: $0.seq)) }
            return HealChild(code: code, state: RestoreHeal.childState(report: report, heldHash: held, waived: false), reportedSeq: report?.seq)
        }
        let children = try healChildren().map(neighbour)
        let parent = try NodeCode.parent(of: identity.code).map(neighbour)
        let state = RestoreHeal.state(restored: true, children: Dictionary(uniqueKeysWithValues: children.map { ($0.code, $0.state) }),
                                      parent: parent.map { ($0.code, $0.state) })
        return HealStatus(restoredAt: restoredAt, state: state, parent: parent, children: children, lost: lost)
    }

    /// The lost seqs named by this node's latest `node.healed` change.
    func lastLostSeqs() throws -> [Int64] {
        guard let text = try db.query("SELECT payload FROM changes WHERE origin = ? AND kind = ? ORDER BY seq DESC LIMIT 1",
                                      [.text(identity.code), .text(RestoreHeal.healedKind)]).first?.text("payload"),
            let payload = try? JSONParser.parse(Array(text.utf8))
        else { return [] }
        return payload["lost"]?.arrayValue?.compactMap(\.intValue) ?? []
    }

    /// Every seq of this node's own chain that a heal declared lost (`verify` accepts these gaps).
    func declaredLostSeqs(db: Database) throws -> Set<Int64> {
        var seqs = Set<Int64>()
        for row in try db.query("SELECT payload FROM changes WHERE origin = ? AND kind = ?", [.text(identity.code), .text(RestoreHeal.healedKind)]) {
            guard let text = row.text("payload"), let payload = try? JSONParser.parse(Array(text.utf8)) else { continue }
            seqs.formUnion(payload["lost"]?.arrayValue?.compactMap(\.intValue) ?? [])
        }
        return seqs
    }

    /// Notes what a child holds of this node's chain (its hello). A different change at a seq held
    /// here is a fork: recorded in quarantine with the child's hash, so that it is never lost silently.
    /// Returns whether a fork was found.
    @discardableResult
    public func noteChildReport(child: String, head: (seq: Int64, hash: [UInt8])?) throws -> Bool {
        try db.write { db in try noteChildReport(child: child, head: head, db: db) }
    }

    /// `noteChildReport` inside the caller's transaction.
    func noteChildReport(child: String, head: (seq: Int64, hash: [UInt8])?, db: Database) throws -> Bool {
        let own = identity.code
        let head = head ?? (seq: 0, hash: Change.zeroHash)
        var forked = false
        if head.seq > 0, let held = try heldHash(ChangeID(origin: own, seq: head.seq)), held != head.hash {
            forked = true
            let wire: JSONValue = ["origin": .string(own), "seq": .int(head.seq), "hash": .string(Hex.encode(head.hash)), "reportedBy": .string(child)]
            try db.run("""
                INSERT OR IGNORE INTO quarantine (origin, seq, hash, reason, message, wire, source, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, .text(own), .integer(head.seq), .blob(head.hash), .text(QuarantineReason.fork),
                .text("下级 \(child) 持有本节点 \(own)#\(head.seq) 的另一条变更：恢复备份后此序号被重复使用（分叉），请县级核查"),
                .text(wire.canonicalString), .text(child), .integer(now()))
        }
        if try restoredAwaitingHeal() != nil {
            try db.run("""
                INSERT INTO heal_reports (child, seq, hash, reported_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (child) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, reported_at = excluded.reported_at
                """, .text(child), .integer(head.seq), .blob(head.hash), .integer(now()))
        }
        return forked
    }

    /// Notes the parent's head of this node's chain once it is held here identically (`noteParentHead`,
    /// after a hello or after the fetch brought back what the parent held): the parent owes nothing more.
    func noteParentReturned(head: (seq: Int64, hash: [UInt8])) throws {
        // Called after every hello and push: a node that is not healing (nearly always) reads one
        // settings row and takes no write lock.
        guard let parent = NodeCode.parent(of: identity.code), try restoredAwaitingHeal() != nil else { return }
        try db.write { db in
            guard try restoredAwaitingHeal() != nil else { return }
            try db.run("""
                INSERT INTO heal_reports (child, seq, hash, reported_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (child) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, reported_at = excluded.reported_at
                """, .text(parent), .integer(head.seq), .blob(head.hash), .integer(now()))
        }
    }

    /// Ends the heal when every neighbour has reported and returned what it holds: nothing to do when it
    /// lost nothing; otherwise records `node.healed` listing the lost seqs. Returns the state.
    @discardableResult
    public func settleHeal() throws -> RestoreHeal.State {
        let status = try healStatus()
        guard status.restoredAt != nil, !status.state.isWaiting else { return status.state }
        try finishHeal(mode: "complete", waived: [], reason: nil, actor: "system")
        return .healed
    }

    /// The operator ends the wait: the neighbours still owed are waived, the chain continues past the
    /// highest seq any child reported, and `node.healed` records the decision and what was lost.
    @discardableResult
    public func endHealWait(reason: String, actor: String) throws -> Change? {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError("invalid_reason", "结束等待须写明原因（例如：某下级设备已损毁，不会再回来）") }
        let status = try healStatus()
        guard status.restoredAt != nil else { throw StoreError("not_healing", "本节点不在恢复等待中，无需结束等待") }
        let waived = status.state.pendingNeighbours
        return try finishHeal(mode: "ended", waived: waived, reason: trimmed, actor: actor)
    }

    @discardableResult
    private func finishHeal(mode: String, waived: [String], reason: String?, actor: String) throws -> Change? {
        guard let restoredAt = try restoredAwaitingHeal() else { return nil }
        let own = identity.code
        let reports = try healReports(since: restoredAt)
        return try writeRecordingUnguarded { db in
            var head = try chainHead(of: own)
            let next = RestoreHeal.continuation(ownHead: head.seq, reports: Array(reports.values))
            if next > head.seq, let highest = reports.values.first(where: { $0.seq == next }) {
                // A child holds more of this chain than came back: continue after it, never reuse its seqs.
                try db.run("""
                    INSERT INTO origins (origin, last_seq, last_hash) VALUES (?, ?, ?)
                    ON CONFLICT (origin) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash
                    """, .text(own), .integer(next), .blob(highest.hash))
                head = (next, highest.hash)
            }
            let held = try db.query("SELECT seq FROM changes WHERE origin = ?", [.text(own)]).compactMap { $0.int64("seq") }
            // Seqs an earlier heal already declared lost are not listed again.
            let declared = try declaredLostSeqs(db: db)
            let lost = RestoreHeal.lostSeqs(held: held, head: head.seq).filter { !declared.contains($0) }
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('healed_at', ?)", .text(String(max(now(), restoredAt))))
            try db.run("DELETE FROM heal_reports")
            guard !lost.isEmpty || mode == "ended" else { return nil }
            var payload: [String: JSONValue] = [
                "code": .string(own), "mode": .string(mode), "restoredAt": .int(restoredAt),
                "waived": .array(waived.map { .string($0) }), "lost": .array(lost.map { .int($0) }),
            ]
            if let reason { payload["reason"] = .string(reason) }
            recordingHealEnd = true
            defer { recordingHealEnd = false }
            return try recordInTransaction([ChangeDraft(actor: actor, entity: "node:\(own)", kind: RestoreHeal.healedKind, payload: .object(payload))], db: db).first
        }
    }

    /// Settles the heal before a recording when the node was restored and nobody is owed any more.
    func settleHealIfDue() throws {
        guard !recordingHealEnd, try restoredAwaitingHeal() != nil else { return }
        try settleHeal()
    }

    /// Refuses to record while the heal waits (called by every recording).
    func checkHealBeforeRecording() throws {
        guard !recordingHealEnd, try restoredAwaitingHeal() != nil else { return }
        let status = try healStatus()
        if let message = status.state.message {
            throw StoreError("healing", message, details: ["pending": status.state.pendingNeighbours.joined(separator: ",")])
        }
    }
}
