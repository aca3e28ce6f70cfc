/// The reasons a change is quarantined at the receiver (Protocol/sync.md, "Quarantine").
public enum QuarantineReason {
    public static let malformedChange = "malformed_change"
    public static let badHash = "bad_hash"
    public static let badSignature = "bad_signature"
    public static let unknownOrigin = "unknown_origin"
    public static let revokedOrigin = "revoked_origin"
    public static let notInSubtree = "not_in_subtree"
    public static let notAuthorized = "not_authorized"
    public static let fork = "fork"
    public static let brokenChain = "broken_chain"
    public static let clockSkew = "clock_skew"
}

/// IngestChecks are the receiver's checks of one change from a neighbour, in the order
/// Protocol/sync.md ("push") lists them, as pure functions of the change and of what the receiver
/// holds. The store gathers the facts (`Held`), asks, and quarantines, skips or stores as told. The
/// signature (check 8) needs the key and runs over whole runs of a chain, and the authority
/// (check 9) needs the case as held: the store runs those after these, on what passed.
public enum IngestChecks {
    /// What one change's checks compare against: facts the receiver holds, read before the batch.
    public struct Held: Sendable {
        /// This node's code.
        public var receiver: String
        /// The neighbour that sent the batch.
        public var neighbour: String
        /// The hash held at the change's `origin#seq`, if any.
        public var hashAtSeq: [UInt8]?
        /// The hash of `origin#(seq − 1)` from the log or earlier in the batch, if either holds it.
        public var previousHash: [UInt8]?
        /// Whether the origin's key is known here.
        public var originRegistered: Bool
        /// The HLC from which the origin is revoked, if it is.
        public var originRevokedAt: HLC?
        /// The receiver's clock, in Unix milliseconds, and how far ahead a change may be stamped.
        public var nowMillis: Int64
        public var maxSkewMillis: Int64

        public init(receiver: String, neighbour: String, hashAtSeq: [UInt8]?, previousHash: [UInt8]?, originRegistered: Bool,
                    originRevokedAt: HLC?, nowMillis: Int64, maxSkewMillis: Int64) {
            self.receiver = receiver
            self.neighbour = neighbour
            self.hashAtSeq = hashAtSeq
            self.previousHash = previousHash
            self.originRegistered = originRegistered
            self.originRevokedAt = originRevokedAt
            self.nowMillis = nowMillis
            self.maxSkewMillis = maxSkewMillis
        }

        /// Whether the batch comes from a child, whose changes must lie in its subtree.
        public var fromChild: Bool { NodeCode.isBelow(neighbour, receiver) }
    }

    public enum Verdict: Sendable, Equatable {
        /// Already held with the same hash: counted, nothing to do.
        case duplicate
        /// Refused, kept in quarantine with the reason and the words staff read.
        case quarantine(reason: String, message: String)
        /// On to the signature and the authority.
        case passes
    }

    /// Check 2, first half: a change at a held `origin#seq` is a duplicate or a fork; nil when nothing is held there.
    public static func heldAtSeq(_ change: Change, held: [UInt8]?) -> Verdict? {
        guard let held else { return nil }
        if held == change.hash { return .duplicate }
        return .quarantine(reason: QuarantineReason.fork,
                           message: "同一序号 \(change.origin)#\(change.seq) 出现两个不同的变更（分叉），已隔离，请县级核查")
    }

    /// Checks 2 to 7 for a change of which `bodyHash` is the SHA-256 of the canonical body.
    public static func judge(_ change: Change, bodyHash: [UInt8], held: Held) -> Verdict {
        let id = "\(change.origin)#\(change.seq)"
        if let verdict = heldAtSeq(change, held: held.hashAtSeq) { return verdict }
        // 3. Hash: the body is what was signed.
        guard bodyHash == change.hash else {
            return .quarantine(reason: QuarantineReason.badHash, message: "变更 \(id) 的内容与哈希不符：途中被改动")
        }
        // 4. Registry: a known key, not revoked at the change's time.
        guard held.originRegistered else {
            return .quarantine(reason: QuarantineReason.unknownOrigin, message: "节点 \(change.origin) 未登记，无法核验签名")
        }
        if let revoked = held.originRevokedAt, change.hlc >= revoked {
            return .quarantine(reason: QuarantineReason.revokedOrigin, message: "节点 \(change.origin) 已被撤销，其后的变更一律拒收")
        }
        // 5. Subtree: a child relays only its own subtree, or the receiver's own chain coming back after a restore.
        if held.fromChild, !NodeCode.isAncestorOrSelf(held.neighbour, of: change.origin), change.origin != held.receiver {
            return .quarantine(reason: QuarantineReason.notInSubtree, message: "下级 \(held.neighbour) 不能转交其辖区以外节点 \(change.origin) 的变更")
        }
        // 6. Clock: a change stamped far ahead would drag every clock it reaches with it (issue 10).
        let ahead = change.hlc.physicalMillis - held.nowMillis
        if ahead > held.maxSkewMillis {
            return .quarantine(reason: QuarantineReason.clockSkew, message: "变更 \(id) 的时间比本节点快 \(ahead / 1000) 秒，请校准该节点时钟")
        }
        // 7. Chain link, against what is held: one bad change never stops the origin's later ones.
        if let previous = held.previousHash, previous != change.prev {
            if change.origin == held.receiver {
                // This node's own chain coming back after a restore, linked to another change than the
                // one held here at the seq before: that seq was given out twice (a fork).
                return .quarantine(reason: QuarantineReason.fork,
                                   message: "本节点的变更 \(id) 接在另一条 #\(change.seq - 1) 之后：恢复备份后此前的序号被重复使用（分叉），请县级核查")
            }
            return .quarantine(reason: QuarantineReason.brokenChain, message: "变更 \(id) 与前一变更的哈希链不符")
        }
        return .passes
    }
}
