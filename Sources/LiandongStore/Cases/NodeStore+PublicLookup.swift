import LiandongDomain

extension NodeStore {
    /// The case the public status query asks for: the case with that number whose query code matches,
    /// or, when a restore rebase gave the applicant's case a new number (its receipt shows the old
    /// one, now another case's), the renumbered case whose query code matches, with the old number.
    /// Nil when nothing matches: a wrong code and a missing case look the same to a guess.
    public func publicLookup(number: String, code: String) throws -> (state: CaseState, renumberedFrom: String?)? {
        guard !code.isEmpty else { return nil }
        if let state = try caseState(number), state.queryCode == code { return (state, nil) }
        // Any replica: the renumbered acceptance names its old number (indexed, migration 018).
        let renamed = try db.query("""
            SELECT number FROM cases WHERE json_extract(state, '$.renumberedFrom') = ? AND json_extract(state, '$.renumberedFrom') IS NOT NULL
            """, [.text(number)]).compactMap { $0.text("number") }
        for new in renamed {
            if let state = try caseState(new), state.queryCode == code { return (state, number) }
        }
        return nil
    }
}
