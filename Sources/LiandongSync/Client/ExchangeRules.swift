import LiandongDomain

/// ExchangeRules are the decisions of a child's exchange with its parent, as pure functions of
/// plain values (Protocol/sync.md): which origins go up, what the parent lacks by its heads, how
/// much goes in one batch, what an answer acknowledged, where the pull cursor goes. SyncClient
/// (over any ParentChannel) and the USB bundle (Protocol/bundle.md) both follow them.
public enum ExchangeRules {
    /// Whether a child sends `origin`'s changes up: its own subtree always; the parent's own chain
    /// only when the parent holds less of it than the child (a parent restored from a backup gets
    /// its changes back). Anything else came down from the parent and is never sent back up.
    public static func sendsUp(origin: String, node: String, parent: String, parentLacksOwnChain: Bool) -> Bool {
        NodeCode.isAncestorOrSelf(node, of: origin) || (origin == parent && parentLacksOwnChain)
    }

    /// Whether the hello shows the parent holding less of its own chain than this node does.
    public static func parentLacksOwnChain(parentHeadOfItself: Int64, localHeadOfParent: Int64) -> Bool {
        parentHeadOfItself < localHeadOfParent
    }

    /// What the parent lacks: for each origin sent up where this node holds more than the parent's
    /// head, the seq after which to send. In origin order.
    public static func lacking(local: [String: Int64], parent: Heads, sendsUp: (String) -> Bool) -> [(origin: String, after: Int64)] {
        local.compactMap { origin, seq -> (origin: String, after: Int64)? in
            guard sendsUp(origin) else { return nil }
            let held = parent[origin]?.seq ?? 0
            return seq > held ? (origin, held) : nil
        }.sorted { $0.origin < $1.origin }
    }

    /// How many of the pending changes (already in send order, by wire size) go in one batch: at
    /// most `limit`, and no more than `maxBytes` unless the first alone is larger (it goes alone).
    public static func batchCount(sizes: [Int], limit: Int, maxBytes: Int) -> Int {
        var count = 0
        var bytes = 0
        for size in sizes.prefix(limit) {
            if count > 0, bytes + size > maxBytes { break }
            bytes += size
            count += 1
        }
        return count
    }

    /// The parent's heads after a push answer. What was sent counts as answered even when the
    /// parent quarantined it (its head stays behind), so that it is not sent again and again in
    /// this exchange; the heads the answer names only ever move forward.
    public static func acknowledged(_ heads: Heads, sent: [(origin: String, seq: Int64, hash: [UInt8])], answer: Heads) -> Heads {
        var heads = heads
        for change in sent where (heads[change.origin]?.seq ?? 0) < change.seq {
            heads[change.origin] = Head(seq: change.seq, hash: change.hash)
        }
        for (origin, head) in answer where head.seq >= (heads[origin]?.seq ?? 0) {
            heads[origin] = head
        }
        return heads
    }

    /// Whether a hello answer means starting the pull over from position 0: the parent is another
    /// node, or its log was replaced (a new epoch), and this node had a cursor into the old one.
    public static func resetsCursor(knownCode: String?, knownEpoch: String?, cursor: Int64, code: String, epoch: String) -> Bool {
        cursor != 0 && (knownCode != code || knownEpoch != epoch)
    }

    /// CursorMove is where the pull cursor goes after a page of routed changes.
    public enum CursorMove: Equatable, Sendable {
        /// To the page's `next`.
        case advance(to: Int64)
        /// Back to 0 under the answer's epoch: the parent's log was replaced since the hello.
        case restart(epoch: String)
    }

    public static func cursorAfterPull(knownEpoch: String?, answerEpoch: String, next: Int64) -> CursorMove {
        if let knownEpoch, knownEpoch != answerEpoch { return .restart(epoch: answerEpoch) }
        return .advance(to: next)
    }

    /// Pulling stops at a page that brought nothing and says there is no more: that last request
    /// also acknowledged everything before it.
    public static func pullFinished(received: Int, more: Bool) -> Bool { received == 0 && !more }

    /// Where a child's cursor goes when it takes in routed changes from `after` to `next` that came
    /// another way (a return bundle): forward to `next` when they start at or before what it holds
    /// and belong to the same log; otherwise it stays, and the pull brings the gap (duplicates are harmless).
    public static func cursorAfterBundle(cursor: Int64, knownEpoch: String?, epoch: String, after: Int64, next: Int64) -> Int64 {
        guard knownEpoch == nil || knownEpoch == epoch, after <= cursor, next > cursor else { return cursor }
        return next
    }

    /// The position a parent records as acknowledged by a child's bundle: the child's cursor when
    /// it is into this log (same epoch) and further than what the parent already has.
    public static func acknowledgedByBundle(acked: Int64, epoch: String, childCursor: Int64, childEpoch: String?) -> Int64 {
        guard childEpoch == epoch, childCursor > acked else { return acked }
        return childCursor
    }
}
