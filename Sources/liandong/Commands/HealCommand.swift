import LiandongDomain
import LiandongStore

/// `liandong heal status` and `liandong heal end --reason TEXT`: the wait of a node restored from a
/// backup for its parent and children to return its own changes (NodeStore+Heal.swift), and the operator's
/// decision to end it when a child will never come back (recorded as a `node.healed` change).
enum HealCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["status": status, "end": end] }

    static func status(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let heal = try store.healStatus()
        context.console.emit(heal.json, text: text(heal))
    }

    static func end(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let reason = try context.args.required("reason", "结束等待的原因")
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 0)
        let change = try store.endHealWait(reason: reason, actor: actor)
        let heal = try store.healStatus()
        var json = heal.json
        if case .object(var fields) = json {
            fields["change"] = change.map { .string(ChangeID(origin: $0.origin, seq: $0.seq).description) } ?? .null
            json = .object(fields)
        }
        var line = "已结束恢复等待（记录为变更 \(change.map { "\($0.origin)#\($0.seq)" } ?? "无")）。"
        line += heal.lost.isEmpty ? "没有丢失的变更。" : "确已丢失、无任何节点持有的本节点变更：\(RestoreHeal.describe(heal.lost))，请按序号核对纸质材料补录。"
        context.console.emit(json, text: line)
    }

    static func text(_ heal: NodeStore.HealStatus) -> String {
        var text = heal.state.message ?? (heal.restoredAt == nil ? "本节点无需恢复等待。" : "恢复完成。")
        if let parent = heal.parent {
            text += "\n上级 \(parent.code)：\(name(parent.state))" + (parent.reportedSeq.map { "（持有本节点变更至 #\($0)）" } ?? "")
        }
        for child in heal.children {
            text += "\n下级 \(child.code)：\(name(child.state))" + (child.reportedSeq.map { "（持有本节点变更至 #\($0)）" } ?? "")
        }
        if !heal.lost.isEmpty { text += "\n上次恢复确已丢失的本节点变更：\(RestoreHeal.describe(heal.lost))" }
        return text
    }

    static func name(_ state: RestoreHeal.ChildState) -> String {
        switch state {
        case .notReported: return "尚未联系"
        case .returning: return "正在回传"
        case .returned: return "已回传"
        case .forked: return "发现分叉，已隔离待核查"
        case .waived: return "已放弃等待"
        }
    }
}
