/// Role is a node's tier. What a role may do is data (Authority.swift), not scattered `if`s.
public enum Role: String, Sendable, CaseIterable, Comparable {
    case county
    case township
    case village

    /// Higher tiers rank higher: county > township > village.
    public var rank: Int {
        switch self {
        case .county: return 3
        case .township: return 2
        case .village: return 1
        }
    }

    public var chineseName: String {
        switch self {
        case .county: return "县政务服务中心"
        case .township: return "乡镇分中心"
        case .village: return "村级代办点"
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}
