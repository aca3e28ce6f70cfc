/// LinkHealth is the header's sync indicator: how the parent link looks to staff. A village is
/// often offline for hours; that is normal. After a day without a successful exchange it is worth
/// a look, after three days it is an error.
public enum LinkHealth: String, Sendable {
    /// The root node: nothing to exchange with upward.
    case root
    case online
    /// Not in contact right now, within a day of the last exchange (normal at a village).
    case offline
    case warning
    case error

    public static let warningMillis: Int64 = 86_400_000
    public static let errorMillis: Int64 = 3 * 86_400_000

    /// `lastContact` is the last successful exchange with the parent (ms), nil when never;
    /// `since` is when the node started waiting for one (its creation) for a node that never had one.
    public static func judge(hasParent: Bool, lastContact: Int64?, lastErrorAt: Int64?, since: Int64, now: Int64) -> LinkHealth {
        guard hasParent else { return .root }
        let reference = lastContact ?? since
        let age = now - reference
        if age >= errorMillis { return .error }
        if age >= warningMillis { return .warning }
        if let lastContact, lastErrorAt.map({ $0 <= lastContact }) ?? true, now - lastContact < 60_000 { return .online }
        return .offline
    }

    public var chineseName: String {
        switch self {
        case .root: return "本级为根节点"
        case .online: return "已连接上级"
        case .offline: return "离线（可照常办理）"
        case .warning: return "超过 1 天未与上级同步"
        case .error: return "超过 3 天未与上级同步"
        }
    }
}
