import LiandongDomain

extension NodeStore {
    /// What a child's hello leaves here, in one transaction: its contact, the clocks it measured
    /// (`clocks`: its own as measured here, and those below it), the quarantine held in its subtree,
    /// and its report of this node's chain (`ownHead`). One commit is one WAL sync under
    /// synchronous=FULL; four of them per hello were a third of a county's writer time when its 600
    /// villages said hello at once (issue 11 item 5). Returns whether the report shows a fork.
    public func recordHello(
        child: String, protocolVersion: Int64, address: String?, clocks: [NodeClock], held: [HeldQuarantine],
        ownHead: (seq: Int64, hash: [UInt8])?
    ) throws -> Bool {
        try db.write { db in
            try recordContact(child: child, protocolVersion: protocolVersion, address: address, db: db)
            try recordNodeClocks(clocks, db: db)
            try recordHeldQuarantine(held, from: child, db: db)
            return try noteChildReport(child: child, head: ownHead, db: db)
        }
    }
}
