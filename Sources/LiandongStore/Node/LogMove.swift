import LiandongDomain

/// LogMove is what one move of a node's log concerns, as StoreWriter announces it: the parties
/// named by the routes it wrote, or nil when that is not known (the log moved without new routes,
/// a restore, or more routes than are worth reading), which concerns everyone.
///
/// A child's pull is concerned when a party is `*`, the child, or a node below it: the same match
/// as `changesRouted(to:…)`.
public struct LogMove: Sendable, Equatable {
    public var parties: Set<String>?

    public init(parties: Set<String>?) { self.parties = parties }

    public static let everyone = LogMove(parties: nil)

    /// Beyond this many new route positions the parties are not read: everyone is woken.
    public static let readablePositions: Int64 = 4096

    /// Whether `child`'s pull may find something new after this move.
    public func concerns(_ child: String) -> Bool {
        guard let parties else { return true }
        return parties.contains { $0 == EntityName.everyone || $0.hasPrefix(child) }
    }
}
