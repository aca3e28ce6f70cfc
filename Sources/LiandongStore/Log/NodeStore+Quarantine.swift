import LiandongDomain

/// QuarantinedChange is one row of this node's quarantine (隔离区): a change refused at the door,
/// why, which neighbour sent it and when it was last refused.
public struct QuarantinedChange: Sendable, Equatable {
    public var origin: String
    public var seq: Int64
    public var hash: [UInt8]
    /// The change's kind, nil when its wire text does not decode (`malformed_change`).
    public var kind: String?
    public var reason: String
    public var message: String
    public var wire: String
    /// The neighbour it came from (nil only for rows written before sources were kept).
    public var source: String?
    /// When it was last refused, ms since the epoch.
    public var receivedAt: Int64
    /// This node holds a change with the same origin, seq and hash: the row is evidence of a bad
    /// copy (a bad hash or signature, a relay outside its subtree), the genuine change is here.
    public var held: Bool

    public var id: ChangeID { ChangeID(origin: origin, seq: seq) }

    /// The reason can pass later: a copy sent again, or a retry, is checked again.
    public var isTransient: Bool { QuarantineReason.rechecked.contains(reason) }
}

/// QuarantineRetry is what `retryQuarantined` did with one quarantined change.
public struct QuarantineRetry: Sendable, Equatable {
    public enum Result: String, Sendable {
        /// Passed every check now: stored and applied, its quarantine row removed.
        case landed
        /// Still refused: `reason` and `message` say why now.
        case quarantined
        /// This node already held the same change (it came by another path): the row was removed.
        case held
    }

    /// The row as it was before the retry.
    public var change: QuarantinedChange
    public var result: Result
    public var reason: String?
    public var message: String?
}

extension QuarantineReason {
    /// The reasons a change may pass later with nothing about it changed: its origin's registration
    /// arrives (`unknown_origin`), the receiver's clock catches up (`clock_skew`), the receiver is
    /// upgraded and now decodes it (`malformed_change`). A copy sent again, or `quarantine retry`,
    /// goes through every check again (Protocol/sync.md, Quarantine). Every other reason is
    /// permanent: a copy with the same hash is a duplicate, the row stays for the administrator
    /// (except `aboutTheCopy`).
    public static let rechecked: Set<String> = [unknownOrigin, clockSkew, malformedChange]

    /// Reasons that judge the copy or the neighbour that sent it, not the change: a later copy is
    /// checked afresh (the genuine change, or the same change from the neighbour that may relay it,
    /// lands) and the row stays as evidence.
    public static let aboutTheCopy: Set<String> = [badHash, badSignature, notInSubtree, retiredKey]

    /// Every reason of Protocol/schemas/sync-common.schema.json, for metrics.
    public static let all: [String] = [
        malformedChange, badHash, badSignature, unknownOrigin, revokedOrigin, notInSubtree, notAuthorized, fork, brokenChain, clockSkew,
        retiredKey,
    ]
}

extension NodeStore {
    /// Whether a copy of a change is a duplicate of a change quarantined here with the same hash.
    ///
    /// A row of a reason that can pass later (`QuarantineReason.rechecked`) is lifted: deleted within
    /// the ingest's transaction, so that the copy goes through the checks again and either lands
    /// (the row stays gone) or is quarantined anew with what fails now (a fresh row, rolled back with
    /// the rest if the ingest fails). A row about the copy (`aboutTheCopy`) is never a duplicate
    /// either, but it stays. Any other row makes the copy a duplicate.
    func isDuplicateOfQuarantined(_ id: ChangeID, hash: [UInt8]) throws -> Bool {
        let statement = try db.cachedStatement("SELECT reason FROM quarantine WHERE origin = ? AND seq = ? AND hash = ?")
        try statement.bind(id.origin, at: 1)
        try statement.bind(id.seq, at: 2)
        try statement.bind(hash, at: 3)
        let reason = try statement.step() ? statement.text(0) : nil
        statement.reset()
        guard let reason else { return false }
        if QuarantineReason.rechecked.contains(reason) {
            try db.run("DELETE FROM quarantine WHERE origin = ? AND seq = ? AND hash = ?", .text(id.origin), .integer(id.seq), .blob(hash))
            return false
        }
        return !QuarantineReason.aboutTheCopy.contains(reason)
    }

    /// This node's quarantine, newest first; at most `limit` rows when given.
    public func quarantinedChanges(limit: Int? = nil, ids: Set<ChangeID>? = nil) throws -> [QuarantinedChange] {
        let rows = try db.query("""
            SELECT q.origin, q.seq, q.hash, q.reason, q.message, q.wire, q.source, q.received_at,
                   EXISTS (SELECT 1 FROM changes c WHERE c.origin = q.origin AND c.seq = q.seq AND c.hash = q.hash) AS held
            FROM quarantine q ORDER BY q.received_at DESC, q.origin, q.seq DESC, q.hash
            """)
        var result: [QuarantinedChange] = []
        for row in rows {
            let origin = row.text("origin") ?? "", seq = row.int64("seq") ?? 0
            if let ids, !ids.contains(ChangeID(origin: origin, seq: seq)) { continue }
            if let limit, result.count >= limit { break }
            let wire = row.text("wire") ?? ""
            result.append(QuarantinedChange(
                origin: origin, seq: seq, hash: row.blob("hash") ?? [], kind: (try? JSONParser.parse(wire))?["kind"]?.stringValue,
                reason: row.text("reason") ?? "", message: row.text("message") ?? "", wire: wire, source: row.text("source"),
                receivedAt: row.int64("received_at") ?? 0, held: (row.int64("held") ?? 0) != 0))
        }
        return result
    }

    /// How many changes this node holds in quarantine, per reason.
    public func quarantineCounts() throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for row in try db.query("SELECT reason, count(*) AS n FROM quarantine GROUP BY reason") {
            counts[row.text("reason") ?? "", default: 0] += row.int64("n") ?? 0
        }
        return counts
    }

    /// Runs quarantined changes through `ingest` again, as if the neighbour each came from had sent
    /// its stored wire text once more, all in one transaction: a change that passes now lands and
    /// loses its row; a permanent reason stays a duplicate (Protocol/sync.md, Quarantine).
    ///
    /// `ids` names the changes (every row of each origin#seq); nil retries every row. Throws
    /// `not_quarantined`, doing nothing, when a named change is not in quarantine.
    public func retryQuarantined(_ ids: [ChangeID]?) throws -> [QuarantineRetry] {
        do {
            return try db.write { db in
                let rows = try quarantinedChanges(ids: ids.map(Set.init))
                if let ids {
                    let found = Set(rows.map(\.id))
                    let missing = ids.filter { !found.contains($0) }
                    guard missing.isEmpty else {
                        let names = missing.map(\.description).joined(separator: "、")
                        throw StoreError("not_quarantined", "本节点隔离区中没有变更 \(names)（liandong quarantine list 查看隔离区）",
                                         details: ["missing": names])
                    }
                }
                return try retry(rows, db: db)
            }
        } catch {
            dropCachesAfterRollback()
            throw error
        }
    }

    private func retry(_ rows: [QuarantinedChange], db: Database) throws -> [QuarantineRetry] {
        var results: [Int: QuarantineRetry] = [:]
        // Registry changes first, as ingest does, then the rest; per neighbour, as each was sent.
        var groups: [[String: [(Int, Change)]]] = [[:], [:]]
        for (index, row) in rows.enumerated() {
            guard let change = try? Change(wire: JSONParser.parse(row.wire)) else {
                results[index] = QuarantineRetry(change: row, result: .quarantined, reason: row.reason, message: row.message)
                continue
            }
            if QuarantineReason.rechecked.contains(row.reason), try heldHash(row.id) == row.hash {
                try db.run("DELETE FROM quarantine WHERE origin = ? AND seq = ? AND hash = ?", .text(row.origin), .integer(row.seq), .blob(row.hash))
                results[index] = QuarantineRetry(change: row, result: .held)
                continue
            }
            groups[ChangeKinds.isRegistryKind(change.kind) ? 0 : 1][row.source ?? identity.code, default: []].append((index, change))
        }
        var stored = Set<ChangeID>()
        var refused: [ChangeID: IngestOutcome.Quarantined] = [:]
        for group in groups {
            for (source, entries) in group.sorted(by: { $0.key < $1.key }) {
                let outcome = try ingestInTransaction(entries.map { ArrivingChange($0.1) }, from: source, db: db)
                stored.formUnion(outcome.stored)
                for quarantined in outcome.quarantined { refused[quarantined.change] = quarantined }
            }
        }
        let after = Dictionary(try quarantinedChanges().map { (QuarantineKey($0), $0) }, uniquingKeysWith: { a, _ in a })
        return try rows.enumerated().map { index, row in
            if let done = results[index] { return done }
            if let still = after[QuarantineKey(row)] {
                return QuarantineRetry(change: row, result: .quarantined, reason: still.reason, message: still.message)
            }
            if stored.contains(row.id), try heldHash(row.id) == row.hash { return QuarantineRetry(change: row, result: .landed) }
            if try heldHash(row.id) == row.hash { return QuarantineRetry(change: row, result: .held) }
            // Refused again under another row (a copy with a different hash); report why.
            let again = refused[row.id]
            return QuarantineRetry(change: row, result: .quarantined, reason: again?.reason ?? row.reason, message: again?.message ?? row.message)
        }
    }
}

/// The primary key of a quarantine row.
private struct QuarantineKey: Hashable {
    var origin: String
    var seq: Int64
    var hash: [UInt8]

    init(_ row: QuarantinedChange) {
        origin = row.origin
        seq = row.seq
        hash = row.hash
    }
}
