/// NodeCode reads the tree from node codes: a county is a 6-digit division code, a township 9
/// digits and a village 12 (the statistical code, 6 + 3 + 3), and a node's parent is its prefix
/// (DESIGN §4). The role of a change's origin is read from its code, so that every replica judges
/// authority the same way without consulting anything that may differ between them.
public enum NodeCode {
    public static func role(of code: String) -> Role? {
        guard !code.isEmpty, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        switch code.utf8.count {
        case 6: return .county
        case 9: return .township
        case 12: return .village
        default: return nil
        }
    }

    public static func length(of role: Role) -> Int {
        switch role {
        case .county: return 6
        case .township: return 9
        case .village: return 12
        }
    }

    /// The parent node's code, or nil for a county (the root).
    public static func parent(of code: String) -> String? {
        switch code.utf8.count {
        case 12: return String(code.prefix(9))
        case 9: return String(code.prefix(6))
        default: return nil
        }
    }

    /// The path from the root down to `code`, inclusive.
    public static func path(to code: String) -> [String] {
        var chain = [code]
        var current = code
        while let up = parent(of: current) {
            chain.insert(up, at: 0)
            current = up
        }
        return chain
    }

    /// True when `ancestor` is `code` itself or a node above it.
    public static func isAncestorOrSelf(_ ancestor: String, of code: String) -> Bool {
        code.hasPrefix(ancestor) && role(of: ancestor) != nil
    }

    /// True when `code` is a node strictly below `ancestor`: in its subtree and not itself. The
    /// children a node enrolls, revokes and accepts requests and pushes from.
    public static func isBelow(_ code: String, _ ancestor: String) -> Bool {
        code != ancestor && isAncestorOrSelf(ancestor, of: code)
    }

    /// True when `node` lies on the tree path between `a` and `b`: below (or at) their lowest common
    /// ancestor and above (or at) one of them. The path a result travels from the deciding node to
    /// the node where the applicant collects it, whichever branch a transfer put the decider on.
    public static func isOnPath(_ node: String, between a: String, and b: String) -> Bool {
        let left = path(to: a)
        let right = path(to: b)
        let shared = zip(left, right).prefix { $0 == $1 }.count
        guard shared > 0 else { return node == a || node == b }
        let common = left[shared - 1]
        return isAncestorOrSelf(common, of: node) && (isAncestorOrSelf(node, of: a) || isAncestorOrSelf(node, of: b))
    }

    /// The node at `role` above (or at) `code`; a node at a higher tier than `role` stands for itself.
    public static func ancestor(of code: String, at role: Role) -> String {
        guard let own = NodeCode.role(of: code), own < role else { return code }
        return String(code.prefix(length(of: role)))
    }
}
