import LiandongDomain
import LiandongStore

/// Moving changes between real stores the way the sync does, for tests of several nodes (restore
/// repair, re-enrolment): push what the parent lacks, pull what is routed to the child, fetch a chain.
extension NodeStoreTestCase {
    /// Push: every change the child holds whose `(origin, seq)` the parent lacks.
    @discardableResult
    func pushAbsent(_ child: NodeStore, _ parent: NodeStore) throws -> IngestOutcome {
        try parent.ingest(try child.db.storedChanges().filter { !(try holdsChange(parent, $0)) }, from: child.identity.code)
    }

    /// Pull: changes routed to the child's subtree that it lacks, never those that came from it (no echo).
    @discardableResult
    func pullRouted(_ parent: NodeStore, _ child: NodeStore) throws -> IngestOutcome {
        let code = child.identity.code
        let routed = try parent.db.storedChanges(where: "source IS NOT ?", [.text(code)]).filter { change in
            change.parties.contains { $0 == EntityName.everyone || $0.hasPrefix(code) }
        }
        return try child.ingest(try routed.filter { !(try holdsChange(child, $0)) }, from: parent.identity.code)
    }

    func holdsChange(_ node: NodeStore, _ change: Change) throws -> Bool {
        try node.count("SELECT count(*) FROM changes WHERE origin = ? AND seq = ?", [.text(change.origin), .integer(change.seq)]) > 0
    }

    /// What `fetch` answers: the parent's copies of one origin's chain after seq, in seq order.
    func fetchCopies(_ parent: NodeStore, origin: String, after seq: Int64) throws -> [Change] {
        try parent.db.storedChanges(where: "origin = ? AND seq > ?", [.text(origin), .integer(seq)]).sorted { $0.seq < $1.seq }
    }
}
