/// BlobRoute is the blob lane's judgement as plain values (Protocol/blobs.md): which files a node
/// exchanges with its parent, what to do next with one of them, and how long to wait after a miss.
///
/// A file goes wherever its case goes: between a node and its parent exactly when some party of
/// the case lies outside the node's subtree (the case is known above it). Materials attached at a
/// village for a county-decided case climb village → township → county; a result document issued
/// at the county comes down to the village where the applicant collects. A case handled within a
/// village never sends its files up.
public enum BlobRoute {
    /// Bytes per request: small enough that a 64 kbit/s link finishes one in ~30 s, large enough to keep loopback fast.
    public static let chunkBytes = 256 << 10
    /// Chunks one blob may move before the lane turns to the next, so that a 20 MB scan never
    /// holds back a small photo behind it.
    public static let chunksPerTurn = 4

    public static func sharedWithParent(parties: [String], node: String) -> Bool {
        parties.contains { !NodeCode.isAncestorOrSelf(node, of: $0) }
    }

    /// Whether a child may download a case's file: the case is routed to its subtree.
    public static func mayDownload(parties: [String], child: String) -> Bool {
        parties.contains { NodeCode.isAncestorOrSelf(child, of: $0) }
    }

    public enum Step: Hashable, Sendable {
        /// Send from this offset (what the parent reports holding).
        case upload(from: Int64)
        /// Fetch from this offset (what this node holds of it).
        case download(from: Int64)
        /// Both hold it whole.
        case done
        /// Neither holds it whole: it is still on its way from elsewhere.
        case wait
    }

    /// The next step for one file, from what each side reports holding.
    public static func step(size: Int64, localComplete: Bool, localHeld: Int64, parentHeld: Int64) -> Step {
        let parentComplete = parentHeld >= size
        switch (localComplete, parentComplete) {
        case (true, true): return .done
        case (true, false): return .upload(from: parentHeld)
        case (false, true): return .download(from: min(localHeld, size))
        case (false, false): return .wait
        }
    }

    /// Milliseconds before a file is tried again after `attempts` misses in a row. Waiting for a
    /// file still on its way elsewhere is retried within half a minute; a failure (hash mismatch,
    /// refusal, broken link) backs off to ten minutes, so that one bad file costs the link little
    /// and never stops the others.
    public static func retryDelay(attempts: Int, failed: Bool) -> Int64 {
        let base: Int64 = 2_000
        let cap: Int64 = failed ? 600_000 : 30_000
        let shift = min(max(attempts - 1, 0), 20)
        return min(cap, base << Int64(shift))
    }
}
