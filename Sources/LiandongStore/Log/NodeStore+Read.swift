import LiandongDomain

extension NodeStore {
    static let changeColumns = "origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig"

    /// Every change of an entity held here, in storage order.
    public func changes(ofEntity entity: String) throws -> [Change] {
        let statement = try db.cachedStatement("SELECT \(NodeStore.changeColumns) FROM changes WHERE entity = ? ORDER BY lsn")
        defer { statement.reset() }
        try statement.bind(entity, at: 1)
        var result: [Change] = []
        while try statement.step() { result.append(try NodeStore.decodeChange(statement)) }
        return result
    }

    /// Changes in local storage order after `lsn`, at most `limit`.
    public func changes(afterLSN lsn: Int64, limit: Int) throws -> [(lsn: Int64, change: Change)] {
        let statement = try db.cachedStatement("SELECT lsn, \(NodeStore.changeColumns) FROM changes WHERE lsn > ? ORDER BY lsn LIMIT ?")
        defer { statement.reset() }
        try statement.bind(lsn, at: 1)
        try statement.bind(limit, at: 2)
        var result: [(Int64, Change)] = []
        while try statement.step() { result.append((statement.int64(0), try NodeStore.decodeChange(statement, offset: 1))) }
        return result
    }

    /// Decodes a change from a row whose columns start at `offset` in `changeColumns` order.
    static func decodeChange(_ s: Statement, offset: Int = 0) throws -> Change {
        let payload = try JSONParser.parse(Array(s.text(offset + 7).utf8))
        let parties = (try JSONParser.parse(Array(s.text(offset + 8).utf8))).arrayValue?.compactMap(\.stringValue) ?? []
        return Change(
            origin: s.text(offset), seq: s.int64(offset + 1), hlc: HLC(rawValue: s.int64(offset + 2)), wall: s.int64(offset + 3),
            actor: s.text(offset + 4), entity: s.text(offset + 5), kind: s.text(offset + 6), payload: payload, parties: parties,
            prev: s.blob(offset + 9), hash: s.blob(offset + 10), sig: s.blob(offset + 11))
    }
}
