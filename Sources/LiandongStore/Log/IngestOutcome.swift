import LiandongDomain

/// IngestOutcome is what a node did with a batch of changes from a neighbour: what it stored,
/// what it already held, and what it quarantined and why (reported back to the sender).
public struct IngestOutcome: Sendable {
    public struct Quarantined: Sendable, Equatable {
        public let change: ChangeID
        public let reason: String
        public let message: String
    }

    public var stored: [ChangeID] = []
    public var duplicates = 0
    public var quarantined: [Quarantined] = []

    public init() {}
}

/// The reasons a change is quarantined at the receiver (Protocol/sync.md lists them).
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
    /// Signed with a key its origin's parent retired before the change's seq (`node.rekeyed`): the
    /// lost key may be in a thief's hands.
    public static let retiredKey = "retired_key"
}
