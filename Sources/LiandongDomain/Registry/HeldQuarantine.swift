/// HeldQuarantine is one line of what a child reports up in its hello (`held`): how many changes of
/// `origin` the node `holder` (the child or a node below it) holds in quarantine. The county sees
/// from it the changes of its subtree stuck anywhere on the path (issue 10, item 5), not only its own.
public struct HeldQuarantine: Sendable, Equatable {
    public var holder: String
    public var origin: String
    public var count: Int64

    public init(holder: String, origin: String, count: Int64) {
        self.holder = holder
        self.origin = origin
        self.count = count
    }

    /// At most this many lines in one hello; the rest are left out (the counts are a view, not a record).
    public static let maxLines = 1000

    public var json: JSONValue { ["holder": .string(holder), "origin": .string(origin), "count": .int(count)] }
}
