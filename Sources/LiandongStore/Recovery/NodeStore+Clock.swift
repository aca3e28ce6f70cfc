import Foundation
import LiandongDomain

/// Clock safety at a node (DESIGN §6; rules in ClockSafety): the parent's time from every exchange,
/// the refusal to record while this node's clock is far from it, the offsets of every node below as
/// measured by its parent, and the repair once a wrong clock is right again: own changes that never
/// reached the parent and carry a reading from the wrong clock are stamped and signed again.
extension NodeStore {
    /// One node's clock as its parent measured it (positive: the node is ahead).
    public struct NodeClock: Sendable, Equatable {
        public var code: String
        public var offsetMillis: Int64
        public var measuredBy: String
        public var at: Int64

        public init(code: String, offsetMillis: Int64, measuredBy: String, at: Int64) {
            self.code = code
            self.offsetMillis = offsetMillis
            self.measuredBy = measuredBy
            self.at = at
        }

        public var json: JSONValue {
            ["code": .string(code), "offsetMillis": .int(offsetMillis), "measuredBy": .string(measuredBy), "at": .int(at)]
        }
    }

    /// An own change stamped again after a wrong clock: its seq before and after, its case or object.
    public struct Restamp: Sendable, Equatable {
        public var oldSeq: Int64
        public var newSeq: Int64
        public var entity: String
        public var kind: String
    }

    /// This boot's identity and the milliseconds since it began: a clock that no one can set.
    static func monotonicReading() -> (boot: String, millis: Int64) {
        (bootID, Int64(ProcessInfo.processInfo.systemUptime * 1000))
    }

    /// The kernel's id of this boot, read once per process (every recording asks).
    static let bootID: String = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"

    /// Remembers the parent's time as it answered an exchange (`parentTime`, already moved by half
    /// the round trip by the caller if it likes).
    public func recordParentClock(parentTime: Int64) throws {
        let reading = Self.monotonicReading()
        try db.write { db in
            try db.run("""
                INSERT INTO parent_clock (id, parent_time, local_time, boot, monotonic) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET parent_time = excluded.parent_time, local_time = excluded.local_time,
                    boot = excluded.boot, monotonic = excluded.monotonic
                """, .integer(parentTime), .integer(now()), .text(reading.boot), .integer(reading.millis))
        }
    }

    /// The parent's time now, estimated from the last exchange on the monotonic clock; nil when
    /// there was none in this boot.
    public func parentTimeNow() throws -> Int64? {
        guard let row = try db.query("SELECT parent_time, boot, monotonic FROM parent_clock WHERE id = 1").first,
            let parentTime = row.int64("parent_time"), let monotonic = row.int64("monotonic")
        else { return nil }
        let reading = Self.monotonicReading()
        return ClockSafety.parentNow(parentTimeAtContact: parentTime, monotonicAtContact: monotonic, monotonicNow: reading.millis,
                                     sameBoot: row.text("boot") == reading.boot)
    }

    /// How this node's clock stands against its parent's, with the local time it judged. The root
    /// judges by its direct children measured in the last day (ClockSafety.judgeRoot); `parent` is
    /// then the time they agree on.
    public func clockVerdict() throws -> (verdict: ClockSafety.Verdict, local: Int64, parent: Int64?) {
        let local = now()
        if identity.role == .county {
            let offsets = try db.query("SELECT code, offset_ms FROM node_clocks WHERE at >= ?", [.integer(local - 86_400_000)])
                .filter { $0.text("code").flatMap(NodeCode.parent(of:)) == identity.code }.compactMap { $0.int64("offset_ms") }
            let verdict = ClockSafety.judgeRoot(childOffsets: offsets)
            return (verdict, local, verdict == .inStep ? nil : local - verdict.offsetMillis)
        }
        let parent = try parentTimeNow()
        return (ClockSafety.judge(local: local, parent: parent), local, parent)
    }

    /// Refuses to record while this node's clock is far from its parent's (called by every recording).
    func checkClockBeforeRecording() throws {
        let (verdict, local, parent) = try clockVerdict()
        guard case .refuse = verdict, let parent else { return }
        throw StoreError("clock_skew", ClockSafety.refusal(local: local, parent: parent, reference: identity.role == .county ? "各乡镇" : "上级"),
                         details: ["localTime": String(local), "parentTime": String(parent)])
    }

    /// Records clock offsets: a child's as measured here at its hello, and those it reported of its subtree.
    public func recordNodeClocks(_ clocks: [NodeClock]) throws {
        guard !clocks.isEmpty else { return }
        try db.write { db in try recordNodeClocks(clocks, db: db) }
    }

    /// `recordNodeClocks` inside the caller's transaction.
    func recordNodeClocks(_ clocks: [NodeClock], db: Database) throws {
        for clock in clocks {
            try db.run("""
                INSERT INTO node_clocks (code, offset_ms, measured_by, at) VALUES (?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET offset_ms = excluded.offset_ms, measured_by = excluded.measured_by, at = excluded.at
                WHERE excluded.at >= node_clocks.at
                """, .text(clock.code), .integer(clock.offsetMillis), .text(clock.measuredBy), .integer(clock.at))
        }
    }

    /// The clocks of every node below as last measured, in code order (sent up in hello, shown in status).
    public func nodeClocks() throws -> [NodeClock] {
        try db.query("SELECT code, offset_ms, measured_by, at FROM node_clocks ORDER BY code").map {
            NodeClock(code: $0.text("code") ?? "", offsetMillis: $0.int64("offset_ms") ?? 0, measuredBy: $0.text("measured_by") ?? "",
                      at: $0.int64("at") ?? 0)
        }
    }

    /// The own changes stamped again after a wrong clock, oldest first.
    public func restamps() throws -> [Restamp] {
        try db.query("SELECT old_seq, new_seq, entity, kind FROM clock_restamps ORDER BY id").map {
            Restamp(oldSeq: $0.int64("old_seq") ?? 0, newSeq: $0.int64("new_seq") ?? 0, entity: $0.text("entity") ?? "", kind: $0.text("kind") ?? "")
        }
    }

    /// The quarantine rows for clock_skew that a re-stamped copy settled here: (origin, seq, at).
    public func clockResolutions() throws -> [(change: ChangeID, at: Int64)] {
        try db.query("SELECT origin, seq, at FROM clock_resolutions ORDER BY at, origin, seq").map {
            (ChangeID(origin: $0.text("origin") ?? "", seq: $0.int64("seq") ?? 0), $0.int64("at") ?? 0)
        }
    }

    /// Once the clock is right again (its parent's time agrees), stamps and signs again this node's
    /// own changes that its parent does not hold and that carry a reading far ahead of now, with
    /// every own change after them; the node's clock then continues from the largest reading kept.
    /// Case numbers stay (they are on receipts); a step the rules no longer allow is kept for staff
    /// (`rebase_set_aside`). Returns what it stamped again; nothing when the clock is still wrong.
    @discardableResult
    public func restampFutureChanges() throws -> [Restamp] {
        let (verdict, local, parent) = try clockVerdict()
        if case .refuse = verdict { return [] }
        if parent == nil, clock.last.physicalMillis - local <= ClockSafety.refuseMillis { return [] }
        try refreshIfChangedElsewhere()
        let own = identity.code
        let acknowledged = try lastAcknowledgedOwnSeq()
        // Only the readings past the limit can be candidates (the sync lane asks every few hundred ms).
        let limit = HLC(physicalMillis: local + ClockSafety.refuseMillis + 1, logical: 0)
        let readings = try db.query("SELECT seq, hlc FROM changes WHERE origin = ? AND seq > ? AND hlc >= ?",
                                    [.text(own), .integer(acknowledged), .integer(limit.rawValue)])
            .compactMap { row -> (seq: Int64, hlc: HLC)? in
                guard let seq = row.int64("seq"), let hlc = row.int64("hlc") else { return nil }
                return (seq, HLC(rawValue: hlc))
            }
        let first = ClockSafety.firstToRestamp(own: readings, acknowledged: acknowledged, now: local)
        if first == nil {
            // No own change to stamp again: only a clock left far ahead, brought back to the largest reading kept.
            guard clock.last.physicalMillis - local > ClockSafety.refuseMillis,
                let kept = try db.scalarInt("SELECT max(hlc) FROM changes"), kept < clock.last.rawValue
            else { return [] }
        }
        // Without a parent's word, only the clock alone may be brought back: which clock is wrong is not known.
        if parent == nil, first != nil { return [] }
        return try writeRecordingUnguarded { db in try restampInTransaction(from: first, now: local, db: db) }
    }

    private func restampInTransaction(from first: Int64?, now local: Int64, db: Database) throws -> [Restamp] {
        try refreshIfChangedElsewhere()
        let own = identity.code
        var drafts: [Change] = []
        var cases = Set<String>()
        if let first {
            drafts = try ownChanges(fromSeq: first, db: db)
            for draft in drafts where ChangeKinds.isCaseKind(draft.kind) { cases.insert(draft.entity) }
            try removeOwnChanges(fromSeq: first, db: db)
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('epoch', ?)", .text(Hex.encode(try secureRandomBytes(16))))
        }
        forgetDerivedState()
        // The clock continues from the largest reading kept: every change it may have seen still sorts before.
        let kept = try db.scalarInt("SELECT max(hlc) FROM changes").map(HLC.init(rawValue:))
        clock = HybridClock(last: ClockSafety.recoveredClock(kept: kept), maxSkewMillis: clock.maxSkewMillis)
        for number in cases.sorted() { try replayCase(number, db: db) }

        var done: [Restamp] = []
        var chain = try chainHead(of: own)
        let at = now()
        for draft in drafts {
            var change = Change(
                origin: own, seq: chain.seq + 1, hlc: clock.tick(now: local), wall: ClockSafety.restampedWall(draft.wall, now: local),
                actor: draft.actor, entity: draft.entity, kind: draft.kind, payload: draft.payload, parties: [], prev: chain.hash)
            do {
                change.parties = try partiesBeforeRecording(change)
            } catch let error as CaseError {
                try db.run("""
                    INSERT INTO rebase_set_aside (old_seq, entity, kind, actor, payload, wall, reason, message, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, .integer(draft.seq), .text(change.entity), .text(change.kind), .text(change.actor),
                    .text(change.payload.canonicalString), .integer(change.wall), .text(error.code), .text(error.message), .integer(at))
                continue
            }
            change.hash = SHA256.hash(change.signingBody)
            change.sig = try signingKey.sign(change.hash)
            try insert(change, source: nil, db: db)
            try materialize(change, db: db, strict: false)
            chain = (change.seq, change.hash)
            try db.run("""
                INSERT INTO clock_restamps (old_seq, new_seq, entity, kind, old_hlc, new_hlc, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, .integer(draft.seq), .integer(change.seq), .text(change.entity), .text(change.kind),
                .integer(draft.hlc.rawValue), .integer(change.hlc.rawValue), .integer(at))
            done.append(Restamp(oldSeq: draft.seq, newSeq: change.seq, entity: change.entity, kind: change.kind))
        }
        try db.run("UPDATE node SET hlc = ? WHERE id = 1", .integer(clock.last.rawValue))
        // Other connections keep a clock in memory: this tells them to take the stored one, lower as it is.
        try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('clock_generation', ?)", .text(Hex.encode(try secureRandomBytes(8))))
        try db.run("DELETE FROM sync_reports WHERE origin = ? AND reason = ?", .text(own), .text(QuarantineReason.clockSkew))
        return done
    }

    /// A change landed at a seq held in quarantine for clock_skew with another hash: the origin
    /// stamped it again after its clock was put right. The quarantine row goes, the settlement stays visible.
    func settleClockQuarantine(for change: Change, db: Database) throws {
        let rows = try db.query("SELECT hash FROM quarantine WHERE origin = ? AND seq = ? AND reason = ?",
                                [.text(change.origin), .integer(change.seq), .text(QuarantineReason.clockSkew)])
        for row in rows {
            guard let old = row.blob("hash"), old != change.hash else { continue }
            try db.run("INSERT OR IGNORE INTO clock_resolutions (origin, seq, old_hash, new_hash, at) VALUES (?, ?, ?, ?, ?)",
                       .text(change.origin), .integer(change.seq), .blob(old), .blob(change.hash), .integer(now()))
            try db.run("DELETE FROM quarantine WHERE origin = ? AND seq = ? AND hash = ?", .text(change.origin), .integer(change.seq), .blob(old))
        }
    }
}
