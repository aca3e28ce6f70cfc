extension NodeStore {
    /// The distinct parties named by the routes written at positions `after` < pos ≤ `through`:
    /// whose pulls a commit concerns (a parked pull is woken only when a party is its node, a
    /// node below it, or `*`). One range read on the routes' primary key.
    public func partiesRouted(after: Int64, through: Int64) throws -> Set<String> {
        let statement = try db.cachedStatement("SELECT DISTINCT party FROM routes WHERE pos > ? AND pos <= ?")
        defer { statement.reset() }
        try statement.bind(after, at: 1)
        try statement.bind(through, at: 2)
        var parties = Set<String>()
        while try statement.step() { parties.insert(statement.text(0)) }
        return parties
    }
}
