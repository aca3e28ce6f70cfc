import LiandongDomain

/// BlobTransferNote is a file whose exchange with the parent keeps failing or waiting: `status` names it with its case.
public struct BlobTransferNote: Sendable {
    public var sha256: String
    public var number: String
    public var attempts: Int
    public var failed: Bool
    public var nextAt: Int64
    public var reason: String

    public var json: JSONValue {
        ["sha256": .string(sha256), "case": .string(number), "attempts": .int(Int64(attempts)), "failed": .bool(failed),
         "nextAt": .int(nextAt), "reason": .string(reason)]
    }
}

extension NodeStore {
    /// The files to settle with `parent` now: named by a case shared with the parent (BlobRoute),
    /// not yet seen whole on both sides, and (with `afterBackOff`) not waiting out a back-off. Each file once, oldest case first.
    public func blobLaneWork(parent: String, afterBackOff: Bool = true) throws -> [BlobReference] {
        let now = self.now()
        let exchanged = Set(try db.query("SELECT sha256 FROM blob_exchanged WHERE parent = ?", [.text(parent)]).compactMap { $0.text("sha256") })
        var waiting: [String: Int64] = [:]
        for row in try db.query("SELECT sha256, next_at FROM blob_transfers") {
            if let sha = row.text("sha256"), let next = row.int64("next_at") { waiting[sha] = next }
        }
        var seen = Set<String>()
        return try blobReferences().filter { reference in
            guard BlobRoute.sharedWithParent(parties: reference.parties, node: identity.code), !exchanged.contains(reference.sha256) else { return false }
            if afterBackOff, let next = waiting[reference.sha256], next > now { return false }
            return seen.insert(reference.sha256).inserted
        }
    }

    /// Both this node and `parent` hold the file whole: it is not asked about again.
    public func noteBlobExchanged(_ sha256: String, parent: String) throws {
        try db.write { db in
            try db.run("INSERT OR REPLACE INTO blob_exchanged (sha256, parent, at) VALUES (?, ?, ?)", .text(sha256), .text(parent), .integer(now()))
            try db.run("DELETE FROM blob_transfers WHERE sha256 = ?", .text(sha256))
        }
    }

    /// A transfer that did not finish: `failed` for a refusal or error, not for a file still on its way elsewhere.
    public func noteBlobMiss(_ sha256: String, number: String, failed: Bool, reason: String) throws {
        try db.write { db in
            let attempts = (try db.scalarInt("SELECT attempts FROM blob_transfers WHERE sha256 = ?", [.text(sha256)]) ?? 0) + 1
            let now = self.now()
            let next = now + BlobRoute.retryDelay(attempts: Int(attempts), failed: failed)
            try db.run("""
                INSERT OR REPLACE INTO blob_transfers (sha256, number, attempts, failed, next_at, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, .text(sha256), .text(number), .integer(attempts), .integer(failed ? 1 : 0), .integer(next), .text(reason), .integer(now))
        }
    }

    /// A transfer that moved bytes: the back-off starts over (the file is not failing).
    public func noteBlobProgress(_ sha256: String) throws {
        try db.write { db in try db.run("DELETE FROM blob_transfers WHERE sha256 = ? AND failed = 0", .text(sha256)) }
    }

    public func blobTransferNotes() throws -> [BlobTransferNote] {
        try db.query("SELECT sha256, number, attempts, failed, next_at, reason FROM blob_transfers ORDER BY at").map { row in
            BlobTransferNote(sha256: row.text("sha256") ?? "", number: row.text("number") ?? "", attempts: row.int("attempts") ?? 0,
                             failed: (row.int("failed") ?? 0) != 0, nextAt: row.int64("next_at") ?? 0, reason: row.text("reason") ?? "")
        }
    }
}
