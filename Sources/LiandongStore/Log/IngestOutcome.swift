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
