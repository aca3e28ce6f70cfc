/// OwnRevocation is what a node knows of its own revocation (撤销): the `node.revoked` change it
/// holds, or its parent's refusal of its requests as `revoked_node` (a revoked node's pulls are
/// refused, so the change itself may never reach it). A revoked node records nothing new: its
/// signature is refused everywhere from the revocation on (DESIGN §4), so anything it made would
/// only be quarantined upstream, and the applicant would be told a case exists that never will.
public struct OwnRevocation: Hashable, Sendable {
    public var node: String
    /// The ancestor that revoked it, when the change is held.
    public var by: String?
    public var on: LocalDate?
    public var reason: String?
    /// How it learned: `change` (node.revoked held) or `parent` (the parent refused it).
    public var source: Source

    public enum Source: String, Sendable { case change, parent }

    public init(node: String, by: String?, on: LocalDate?, reason: String?, source: Source) {
        self.node = node
        self.by = by
        self.on = on
        self.reason = reason
        self.source = source
    }

    /// What staff see when they try to record something, and in `status`.
    public var message: String {
        var text = "本节点 \(node) 已被"
        text += by.map { "上级节点 \($0)" } ?? "上级"
        text += on.map { "于 \($0.iso) " } ?? ""
        text += "撤销"
        if let reason, !reason.isEmpty { text += "（原因：\(reason)）" }
        if source == .parent { text += "，上级已拒绝本节点的同步请求" }
        text += "。本节点不能再受理或办理任何业务，已有记录仍保留在本机；请联系县政务服务中心核实，如需继续办理须重新登记。"
        return text
    }

    public var json: JSONValue {
        ["node": .string(node), "by": .optional(by), "on": .optional(on?.iso), "reason": .optional(reason), "source": .string(source.rawValue),
         "message": .string(message)]
    }
}
