/// SubtreeNode is what a node knows of one node below it, direct child or not (issue 10, item 5):
/// when it last heard of it (the newest of its changes stored here), the hop's lag when it is a
/// direct child, the changes of its subtree quarantined here, and whether it is revoked.
/// `clockSkew` is the node's clock offset as its parent measured it (clock safety).
public struct SubtreeNode: Hashable, Sendable {
    public var code: String
    public var name: String
    public var revoked: Bool
    /// When the newest change originated by the node was stored here (ms), nil before any.
    public var lastHeard: Int64?
    /// Direct children only: the last exchange, and the oldest change routed down it has not acknowledged.
    public var lastContact: Int64?
    public var unacked: Int64?
    public var oldestUnackedAge: Int64?
    /// Changes of the node's subtree held in quarantine here.
    public var quarantined: Int64
    /// Changes of the node's subtree held in quarantine by nodes further down the path (reported up
    /// in each hello): a village change refused at its township never reaches the county.
    public var quarantinedBelow: Int64
    /// Its clock's offset from its parent's in milliseconds (positive: ahead), when measured.
    public var clockSkew: Int64?

    public init(code: String, name: String, revoked: Bool, lastHeard: Int64?, lastContact: Int64?, unacked: Int64?, oldestUnackedAge: Int64?,
                quarantined: Int64, quarantinedBelow: Int64 = 0, clockSkew: Int64? = nil) {
        self.code = code
        self.name = name
        self.revoked = revoked
        self.lastHeard = lastHeard
        self.lastContact = lastContact
        self.unacked = unacked
        self.oldestUnackedAge = oldestUnackedAge
        self.quarantined = quarantined
        self.quarantinedBelow = quarantinedBelow
        self.clockSkew = clockSkew
    }

    /// An hour of unacknowledged changes on a direct hop is "behind"; a revoked node never is (it is
    /// refused, not late), and a node further down is judged by its own parent.
    public static let behindAfterMillis: Int64 = 3_600_000

    public var isBehind: Bool {
        guard !revoked, let age = oldestUnackedAge else { return false }
        return age > SubtreeNode.behindAfterMillis
    }

    public func json(now: Int64) -> JSONValue {
        ["code": .string(code), "name": .string(name), "role": .optional(NodeCode.role(of: code)?.rawValue), "revoked": .bool(revoked),
         "lastHeard": .optional(lastHeard), "lastHeardSeconds": lastHeard.map { .int(max(0, now - $0) / 1000) } ?? .null,
         "lastContact": .optional(lastContact), "unacked": .optional(unacked),
         "oldestUnackedSeconds": oldestUnackedAge.map { .int($0 / 1000) } ?? .null,
         "quarantined": .int(quarantined), "quarantinedBelow": .int(quarantinedBelow), "behind": .bool(isBehind), "clockSkewMillis": .optional(clockSkew)]
    }
}
