import LiandongDomain

/// RoutedBatch is a page of the changes routed to a child's subtree, from `changesRouted(to:…)`.
public struct RoutedBatch {
    public var changes: [EncodedChange]
    /// The route position to ask after next time: everything up to it has been considered.
    public var next: Int64
    /// True when more routed positions follow `next`.
    public var more: Bool
}

extension NodeStore {
    /// Writes the routing positions of a change just inserted at `lsn` (DESIGN §7 routing): one row
    /// per distinct party. When a case change names a party whose subtree the case has not reached
    /// before (a transfer, a forward to a new tier), the case's earlier changes are routed to that
    /// party again at new positions, so that a node that becomes a party gets the whole history.
    func route(_ change: Change, lsn: Int64, db: Database) throws {
        var parties = Set(change.parties).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let insert = try db.cachedStatement("INSERT INTO routes (party, lsn) VALUES (?, ?)")
        // Within a batch, the parties a case reached are remembered as its changes are routed: the
        // next change of the case asks the batch, not the routes of every earlier change.
        let remembered = pendingWrites.depth > 0
        var reached: [String]?
        if ChangeKinds.isCaseKind(change.kind), !parties.contains(EntityName.everyone) {
            let known = try (remembered ? pendingWrites.routed[change.entity] : nil) ?? partiesReached(by: change.entity, before: lsn)
            reached = known
            if !known.isEmpty {
                // A party already inside the new party's subtree means the history already went there.
                let joining = parties.filter { party in !known.contains { $0 == EntityName.everyone || NodeCode.isAncestorOrSelf(party, of: $0) } }
                for party in joining {
                    try db.run("""
                        INSERT INTO routes (party, lsn) SELECT ?, lsn FROM changes WHERE entity = ? AND lsn < ? ORDER BY lsn
                        """, .text(party), .text(change.entity), .integer(lsn))
                }
            }
            // Parties are sticky: a node the case has reached keeps getting its changes, even one that
            // names fewer parties (made before a transfer the receiver already holds), or it would never
            // converge (Protocol/guarantees.md; ConvergenceTests found it).
            let covered = parties
            parties += known.filter { party in party != EntityName.everyone && !covered.contains { NodeCode.isAncestorOrSelf(party, of: $0) } }
        }
        for party in parties {
            try insert.bind(party, at: 1)
            try insert.bind(lsn, at: 2)
            try insert.run()
        }
        if remembered, ChangeKinds.isCaseKind(change.kind) || pendingWrites.routed[change.entity] != nil {
            // Every party routed now, with the ones reached before (joining parties were routed to the earlier changes too).
            let before = try reached ?? pendingWrites.routed[change.entity] ?? partiesReached(by: change.entity, before: lsn)
            pendingWrites.routed[change.entity] = Array(Set(before).union(parties))
        }
    }

    /// The parties the routes of an entity's changes stored before `lsn` name.
    private func partiesReached(by entity: String, before lsn: Int64) throws -> [String] {
        let reached = try db.cachedStatement("""
            SELECT DISTINCT party FROM routes WHERE lsn IN (SELECT lsn FROM changes WHERE entity = ? AND lsn <> ?)
            """)
        defer { reached.reset() }
        try reached.bind(entity, at: 1)
        try reached.bind(lsn, at: 2)
        var known: [String] = []
        while try reached.step() { known.append(reached.text(0)) }
        return known
    }

    /// The last routing position written here (0 before any).
    public func lastRoutePosition() throws -> Int64 {
        try db.scalarInt("SELECT coalesce(max(pos), 0) FROM routes") ?? 0
    }

    /// The changes routed to `child`'s subtree (party `*`, the child, or a node below it) after
    /// route position `after`, in position order, each change once, without the changes that came
    /// from the child itself (no echo). At most `limit` positions are read and about `maxBytes` of
    /// wire text returned (always at least one change when any is due).
    public func changesRouted(to child: String, after: Int64, limit: Int, maxBytes: Int) throws -> RoutedBatch {
        let statement = try db.cachedStatement("""
            SELECT r.pos, c.lsn, c.source, \(NodeStore.changeColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM routes r JOIN changes c ON c.lsn = r.lsn
            WHERE r.pos > ? AND (r.party = '*' OR (r.party >= ? AND r.party < ?))
            ORDER BY r.pos LIMIT ?
            """)
        defer { statement.reset() }
        try statement.bind(after, at: 1)
        try statement.bind(child, at: 2)
        try statement.bind(child + "\u{7F}", at: 3)
        try statement.bind(limit + 1, at: 4)
        var batch = RoutedBatch(changes: [], next: after, more: false)
        var taken = Set<Int64>()
        var bytes = 0
        var read = 0
        while try statement.step() {
            read += 1
            if read > limit {
                batch.more = true
                break
            }
            let pos = statement.int64(0)
            let lsn = statement.int64(1)
            let source = statement.isNull(2) ? nil : statement.text(2)
            if source == child || !taken.insert(lsn).inserted {
                batch.next = pos
                continue
            }
            let change = NodeStore.encodeChange(statement, offset: 3)
            let size = change.wire.count
            if !batch.changes.isEmpty, bytes + size > maxBytes {
                batch.more = true
                break
            }
            bytes += size
            batch.changes.append(change)
            batch.next = pos
        }
        return batch
    }

    /// Every origin held here with the seq and hash of its chain head.
    public func heads() throws -> [String: (seq: Int64, hash: [UInt8])] {
        var result: [String: (seq: Int64, hash: [UInt8])] = [:]
        try db.forEachRow("SELECT origin, last_seq, last_hash FROM origins") { row in
            guard let origin = row.text("origin"), let seq = row.int64("last_seq"), let hash = row.blob("last_hash") else { return }
            result[origin] = (seq, hash)
        }
        return result
    }

    /// One origin's changes held here after `seq`, in seq order, at most `limit`.
    public func changes(of origin: String, after seq: Int64, limit: Int) throws -> [Change] {
        let statement = try db.cachedStatement(
            "SELECT \(NodeStore.changeColumns) FROM changes WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?")
        defer { statement.reset() }
        try statement.bind(origin, at: 1)
        try statement.bind(seq, at: 2)
        try statement.bind(limit, at: 3)
        var result: [Change] = []
        while try statement.step() { result.append(try NodeStore.decodeChange(statement)) }
        return result
    }

    /// When this node stored the change `(origin, seq)`, in epoch milliseconds, if it holds it.
    public func storedAt(origin: String, seq: Int64) throws -> Int64? {
        try db.scalarInt("SELECT stored_at FROM changes WHERE origin = ? AND seq = ?", [.text(origin), .integer(seq)])
    }

    /// The id of this copy of the log: children reset their pull cursor when it changes.
    public func epoch() throws -> String {
        if let value = try db.query("SELECT value FROM settings WHERE key = 'epoch'").first?.text("value") { return value }
        return try renewEpoch()
    }

    /// Makes a new epoch (after a restore: route positions may have been reused).
    @discardableResult
    public func renewEpoch() throws -> String {
        let value = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
        try db.write { db in
            try db.run("INSERT INTO settings (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", .text(value))
        }
        return value
    }
}
