import LiandongDomain

/// RegisteredNode is a registry entry as a parent checks a request against it.
public struct RegisteredNode: Sendable {
    public var code: String
    public var role: Role
    public var publicKey: [UInt8]
    public var revoked: Bool
}

/// SyncReport is a quarantine report: a change the receiver refused, and why.
public struct SyncReport: Sendable, Equatable {
    public var origin: String
    public var seq: Int64
    public var hash: String
    public var reason: String
    public var message: String

    public init(origin: String, seq: Int64, hash: String, reason: String, message: String) {
        self.origin = origin
        self.seq = seq
        self.hash = hash
        self.reason = reason
        self.message = message
    }

    public var json: JSONValue {
        ["origin": .string(origin), "seq": .int(seq), "hash": .string(hash), "reason": .string(reason), "message": .string(message)]
    }
}

/// ParentLink is what a child remembers about its exchanges with its parent.
public struct ParentLink: Sendable {
    public var code: String?
    public var cursor: Int64
    public var epoch: String?
    public var lastContact: Int64?
    public var lastError: String?
    public var lastErrorAt: Int64?
}

/// ChildLink is what a parent knows about one child's exchanges.
public struct ChildLink: Sendable {
    public var code: String
    public var lastContact: Int64?
    public var ackedPosition: Int64
    public var protocolVersion: Int64?
    public var address: String?
    public var lastError: String?
    /// Age in milliseconds of the oldest change routed to the child and not yet acknowledged; nil when none.
    public var oldestUnackedAge: Int64?
    public var unacked: Int64
}

extension NodeStore {
    // MARK: Registry, as requests are checked against it

    /// The registry entry of `code`, if this node knows it, with the key that signs its requests
    /// now (the newest of its history: a re-keyed node's old key signs nothing new).
    public func registeredNode(_ code: String) throws -> RegisteredNode? {
        guard let row = try db.query("SELECT role, public_key, revoked_hlc FROM nodes WHERE code = ?", [.text(code)]).first,
            let role = row.text("role").flatMap(Role.init(rawValue:)), let key = row.blob("public_key")
        else { return nil }
        let current = try keyHistory(of: code, db: db)?.current ?? key
        return RegisteredNode(code: code, role: role, publicKey: current, revoked: row.int64("revoked_hlc") != nil)
    }

    /// Records a request nonce of `node`; false when it was already used inside the window.
    /// Nonces older than `window` milliseconds are purged.
    public func useNonce(_ nonce: String, node: String, at time: Int64, window: Int64 = 600_000) throws -> Bool {
        try db.write { db in
            try db.run("DELETE FROM request_nonces WHERE at < ?", .integer(time - window))
            let used = try db.scalarInt("SELECT count(*) FROM request_nonces WHERE node = ? AND nonce = ?", [.text(node), .text(nonce)]) ?? 0
            guard used == 0 else { return false }
            try db.run("INSERT INTO request_nonces (node, nonce, at) VALUES (?, ?, ?)", .text(node), .text(nonce), .integer(time))
            return true
        }
    }

    // MARK: Parent side: children

    /// Records that `child` made contact (a hello or any sync request).
    public func recordContact(child: String, protocolVersion: Int64?, address: String?) throws {
        try db.write { db in try recordContact(child: child, protocolVersion: protocolVersion, address: address, db: db) }
    }

    /// `recordContact` inside the caller's transaction.
    func recordContact(child: String, protocolVersion: Int64?, address: String?, db: Database) throws {
        try db.run("""
            INSERT INTO peers (code, relation, last_contact, protocol, address) VALUES (?, 'child', ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET last_contact = excluded.last_contact,
                protocol = coalesce(excluded.protocol, peers.protocol), address = coalesce(excluded.address, peers.address)
            """, .text(child), .integer(now()), protocolVersion.map { .integer($0) } ?? .null, address.map { .text($0) } ?? .null)
    }

    /// Stores the route position a child acknowledged (its pull `after`).
    public func acknowledge(child: String, position: Int64) throws {
        try db.write { db in
            try db.run("""
                INSERT INTO peers (code, relation, last_contact, acked_pos) VALUES (?, 'child', ?, ?)
                ON CONFLICT (code) DO UPDATE SET last_contact = excluded.last_contact, acked_pos = excluded.acked_pos
                """, .text(child), .integer(now()), .integer(position))
        }
    }

    /// Every child this node has heard from, with its lag: the oldest change routed to it that
    /// it has not acknowledged (DESIGN §7 visibility).
    public func childLinks() throws -> [ChildLink] {
        let rows = try db.query("SELECT code, last_contact, acked_pos, protocol, address, last_error FROM peers WHERE relation = 'child' ORDER BY code")
        return try rows.compactMap { row in
            guard let code = row.text("code") else { return nil }
            let acked = row.int64("acked_pos") ?? 0
            let pending = try db.query("""
                SELECT count(DISTINCT c.lsn) AS n, min(c.stored_at) AS oldest FROM routes r JOIN changes c ON c.lsn = r.lsn
                WHERE r.pos > ? AND (r.party = '*' OR (r.party >= ? AND r.party < ?)) AND (c.source IS NULL OR c.source <> ?)
                """, [.integer(acked), .text(code), .text(code + "\u{7F}"), .text(code)]).first
            let oldest = pending?.int64("oldest")
            return ChildLink(
                code: code, lastContact: row.int64("last_contact"), ackedPosition: acked, protocolVersion: row.int64("protocol"),
                address: row.text("address"), lastError: row.text("last_error"), oldestUnackedAge: oldest.map { max(0, now() - $0) },
                unacked: pending?.int64("n") ?? 0)
        }
    }

    /// The parent's quarantine rows whose origin is in `child`'s subtree: the reports a child gets.
    public func quarantineReports(forSubtreeOf child: String, limit: Int = 500) throws -> [SyncReport] {
        try db.query("""
            SELECT origin, seq, hash, reason, message FROM quarantine WHERE origin >= ? AND origin < ?
            ORDER BY received_at, origin, seq LIMIT ?
            """, [.text(child), .text(child + "\u{7F}"), .integer(Int64(limit))]).map { row in
            SyncReport(origin: row.text("origin") ?? "", seq: row.int64("seq") ?? 0, hash: Hex.encode(row.blob("hash") ?? []),
                       reason: row.text("reason") ?? "", message: row.text("message") ?? "")
        }
    }

    /// Quarantines a change that did not even decode, under its readable identity.
    public func quarantineMalformed(origin: String, seq: Int64, hash: [UInt8], message: String, wire: String, from neighbour: String) throws {
        try db.write { db in
            try db.run("""
                INSERT OR IGNORE INTO quarantine (origin, seq, hash, reason, message, wire, source, received_at)
                VALUES (?, ?, ?, 'malformed_change', ?, ?, ?, ?)
                """, .text(origin), .integer(seq), .blob(hash), .text(message), .text(wire), .text(neighbour), .integer(now()))
        }
    }

    // MARK: Child side: the parent

    /// What this node remembers of its parent link.
    public func parentLink() throws -> ParentLink {
        guard let row = try db.query(
            "SELECT code, last_contact, acked_pos, epoch, last_error, last_error_at FROM peers WHERE relation = 'parent' LIMIT 1").first
        else { return ParentLink(code: nil, cursor: 0) }
        return ParentLink(code: row.text("code"), cursor: row.int64("acked_pos") ?? 0, epoch: row.text("epoch"),
                          lastContact: row.int64("last_contact"), lastError: row.text("last_error"), lastErrorAt: row.int64("last_error_at"))
    }

    /// Records a successful contact with the parent (its code and epoch), clearing the last error.
    public func recordParentContact(code: String, epoch: String) throws {
        try db.write { db in
            try db.run("DELETE FROM peers WHERE relation = 'parent' AND code <> ?", .text(code))
            try db.run("""
                INSERT INTO peers (code, relation, last_contact, epoch, protocol) VALUES (?, 'parent', ?, ?, 1)
                ON CONFLICT (code) DO UPDATE SET last_contact = excluded.last_contact, epoch = excluded.epoch,
                    last_error = NULL, last_error_at = NULL
                """, .text(code), .integer(now()), .text(epoch))
        }
    }

    /// Stores the pull cursor (the parent's route position received up to).
    public func setParentCursor(_ position: Int64) throws {
        try db.write { db in
            try db.run("UPDATE peers SET acked_pos = ?, last_contact = ? WHERE relation = 'parent'", .integer(position), .integer(now()))
        }
    }

    /// Records the last failed exchange with the parent.
    public func recordParentError(_ message: String) throws {
        try db.write { db in
            let updated = try db.scalarInt("SELECT count(*) FROM peers WHERE relation = 'parent'") ?? 0
            if updated == 0 {
                try db.run("INSERT INTO peers (code, relation, last_error, last_error_at) VALUES ('', 'parent', ?, ?)", .text(message), .integer(now()))
            } else {
                try db.run("UPDATE peers SET last_error = ?, last_error_at = ? WHERE relation = 'parent'", .text(message), .integer(now()))
            }
        }
    }

    /// Forgets the last failed exchange: a later one went through, so the error is no longer news.
    public func clearParentError() throws {
        try db.write { db in
            try db.run("UPDATE peers SET last_error = NULL, last_error_at = NULL WHERE relation = 'parent' AND last_error IS NOT NULL")
        }
    }

    /// Stores the parent's heads as last seen (only ever moving forward per origin).
    public func setPeerHeads(_ heads: [String: (seq: Int64, hash: [UInt8])], peer: String) throws {
        guard !heads.isEmpty else { return }
        try db.write { db in
            let statement = try db.cachedStatement("""
                INSERT INTO peer_heads (peer, origin, seq, hash, seen_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (peer, origin) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, seen_at = excluded.seen_at
                """)
            for (origin, head) in heads {
                try statement.bind(peer, at: 1)
                try statement.bind(origin, at: 2)
                try statement.bind(head.seq, at: 3)
                try statement.bind(head.hash, at: 4)
                try statement.bind(now(), at: 5)
                try statement.run()
            }
        }
    }

    /// The parent's heads as last seen.
    public func peerHeads(_ peer: String) throws -> [String: (seq: Int64, hash: [UInt8])] {
        var result: [String: (seq: Int64, hash: [UInt8])] = [:]
        try db.forEachRow("SELECT origin, seq, hash FROM peer_heads WHERE peer = ?", [.text(peer)]) { row in
            guard let origin = row.text("origin"), let seq = row.int64("seq"), let hash = row.blob("hash") else { return }
            result[origin] = (seq, hash)
        }
        return result
    }

    /// Changes held here that the parent did not hold when last seen, and the age in
    /// milliseconds of the oldest of them (by when this node stored it): the child's upward lag.
    /// Only origins this node pushes count (its subtree).
    public func unackedUpward() throws -> (count: Int64, oldestAge: Int64?) {
        guard let parent = try parentLink().code, !parent.isEmpty else {
            let count = try db.scalarInt("SELECT count(*) FROM changes WHERE origin >= ? AND origin < ?",
                                         [.text(identity.code), .text(identity.code + "\u{7F}")]) ?? 0
            let oldest = try db.scalarInt("SELECT min(stored_at) FROM changes WHERE origin >= ? AND origin < ?",
                                          [.text(identity.code), .text(identity.code + "\u{7F}")])
            return (count, oldest.map { max(0, now() - $0) })
        }
        let row = try db.query("""
            SELECT count(*) AS n, min(c.stored_at) AS oldest FROM changes c LEFT JOIN peer_heads h ON h.peer = ? AND h.origin = c.origin
            WHERE c.origin >= ? AND c.origin < ? AND c.seq > coalesce(h.seq, 0)
            """, [.text(parent), .text(identity.code), .text(identity.code + "\u{7F}")]).first
        return (row?.int64("n") ?? 0, row?.int64("oldest").map { max(0, now() - $0) })
    }

    /// Stores quarantine reports received from the parent.
    public func storeReports(_ reports: [SyncReport]) throws {
        guard !reports.isEmpty else { return }
        try db.write { db in
            for report in reports {
                try db.run("""
                    INSERT INTO sync_reports (origin, seq, hash, reason, message, received_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (origin, seq, hash) DO UPDATE SET reason = excluded.reason, message = excluded.message
                    """, .text(report.origin), .integer(report.seq), .text(report.hash), .text(report.reason), .text(report.message),
                    .integer(now()))
            }
        }
    }

    /// Replaces the stored reports with the parent's current list from `hello` (every quarantine row
    /// of this node's subtree, at most `limit`): a report whose change has since landed upstream (the
    /// parent lifted its row) disappears instead of alarming staff forever. A list at the limit may be
    /// cut, so then reports are only added.
    public func replaceReports(_ reports: [SyncReport], limit: Int = 500) throws {
        guard reports.count < limit else { return try storeReports(reports) }
        try db.write { db in
            let keep = Set(reports.map { "\($0.origin)#\($0.seq)#\($0.hash)" })
            for row in try db.query("SELECT origin, seq, hash FROM sync_reports") {
                let key = "\(row.text("origin") ?? "")#\(row.int64("seq") ?? 0)#\(row.text("hash") ?? "")"
                if !keep.contains(key) {
                    try db.run("DELETE FROM sync_reports WHERE origin = ? AND seq = ? AND hash = ?",
                               .text(row.text("origin") ?? ""), .integer(row.int64("seq") ?? 0), .text(row.text("hash") ?? ""))
                }
            }
        }
        try storeReports(reports)
    }

    /// The quarantine reports received from the parent, oldest first.
    public func receivedReports() throws -> [SyncReport] {
        try db.query("SELECT origin, seq, hash, reason, message FROM sync_reports ORDER BY received_at, origin, seq").map { row in
            SyncReport(origin: row.text("origin") ?? "", seq: row.int64("seq") ?? 0, hash: row.text("hash") ?? "",
                       reason: row.text("reason") ?? "", message: row.text("message") ?? "")
        }
    }

    /// Counts for metrics: changes, quarantined changes and conflicts held here.
    public func syncCounters() throws -> (changes: Int64, quarantined: Int64, conflicts: Int64) {
        (try db.scalarInt("SELECT count(*) FROM changes") ?? 0, try db.scalarInt("SELECT count(*) FROM quarantine") ?? 0,
         try db.scalarInt("SELECT count(*) FROM conflicts") ?? 0)
    }

    /// Stores this node's own parent URL and listen address (init and serve flags).
    public func setEndpoints(parentURL: String?, listen: String?) throws {
        try db.write { db in
            if let parentURL { try db.run("UPDATE node SET parent_url = ? WHERE id = 1", .text(parentURL)) }
            if let listen { try db.run("UPDATE node SET listen = ? WHERE id = 1", .text(listen)) }
        }
    }
}

extension NodeStore {
    /// Signs a sync request's text with this node's key (the request signature of Protocol/sync.md).
    public func signRequest(_ message: [UInt8]) throws -> [UInt8] {
        try signingKey.sign(message)
    }
}
