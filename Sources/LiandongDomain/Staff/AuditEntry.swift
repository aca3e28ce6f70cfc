/// AuditEntry is one row of a node's audit trail (安全审计, 等保 2.0 8.1.4.3): when, who, at which
/// node, what, on what, and the outcome. Rows are hash-chained: each row's hash covers its fields
/// and the previous row's hash, so a removed or altered row breaks every hash after it.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Int64
    public var staff: String
    public var node: String
    public var action: String
    public var target: String
    public var outcome: String
    public var detail: String

    public init(id: Int64, at: Int64, staff: String, node: String, action: String, target: String, outcome: String, detail: String = "") {
        self.id = id
        self.at = at
        self.staff = staff
        self.node = node
        self.action = action
        self.target = target
        self.outcome = outcome
        self.detail = detail
    }

    /// The bytes a row's hash is taken over: the previous hash then every field, each
    /// length-prefixed so that no two different rows share an encoding.
    public func chainBytes(previous: [UInt8]) -> [UInt8] {
        var out = previous
        func field(_ text: String) {
            let bytes = Array(text.utf8)
            out += Array(String(bytes.count).utf8) + [0x3A] + bytes
        }
        field(String(id))
        field(String(at))
        field(staff)
        field(node)
        field(action)
        field(target)
        field(outcome)
        field(detail)
        return out
    }

    /// How long rows are kept at least: 180 days (网络安全法 art. 21: 留存相关的网络日志不少于六个月).
    public static let retentionMillis: Int64 = 180 * 86_400_000
}
