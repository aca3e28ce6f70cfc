import LiandongDomain

extension NodeStore {
    /// Every registered node below this one (not only direct children), in code order: what the
    /// county sees of its whole subtree in `status`, `/api/v1/status` and `/metrics`.
    public func subtreeView() throws -> [SubtreeNode] {
        let own = identity.code
        let children = Dictionary(try childLinks().map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var heard: [String: Int64] = [:]
        try db.forEachRow("SELECT origin, max(stored_at) AS at FROM changes WHERE origin > ? AND origin < ? GROUP BY origin",
                          [.text(own), .text(own + "\u{7F}")]) { row in
            if let origin = row.text("origin"), let at = row.int64("at") { heard[origin] = at }
        }
        var quarantined: [String: Int64] = [:]
        try db.forEachRow("SELECT origin, count(*) AS n FROM quarantine WHERE origin > ? AND origin < ? GROUP BY origin",
                          [.text(own), .text(own + "\u{7F}")]) { row in
            if let origin = row.text("origin") { quarantined[origin] = row.int64("n") ?? 0 }
        }
        let below = try quarantinedBelow()
        // Clock offsets as each node's parent measured them (clock safety), reported up the tree.
        let clocks = Dictionary(try nodeClocks().map { ($0.code, $0.offsetMillis) }, uniquingKeysWith: { first, _ in first })
        return try registry().filter { $0.code != own && NodeCode.isAncestorOrSelf(own, of: $0.code) }.map { entry in
            let child = children[entry.code]
            let held = quarantined.filter { NodeCode.isAncestorOrSelf(entry.code, of: $0.key) }.values.reduce(0, +)
            let heldBelow = below.filter { NodeCode.isAncestorOrSelf(entry.code, of: $0.key) }.values.reduce(0, +)
            return SubtreeNode(
                code: entry.code, name: entry.name, revoked: entry.isRevoked, lastHeard: heard[entry.code],
                lastContact: child?.lastContact, unacked: child.map { $0.unacked }, oldestUnackedAge: child?.oldestUnackedAge,
                quarantined: held, quarantinedBelow: heldBelow, clockSkew: clocks[entry.code])
        }
    }
}
