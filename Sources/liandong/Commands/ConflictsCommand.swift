import LiandongDomain
import LiandongStore

/// `liandong conflicts list|resolve`: what the rules did not apply as made, for staff to review
/// and resolve by a change that replicates like any other (DESIGN §6, Protocol/conflicts.md).
enum ConflictsCommand {
    /// `conflicts list [--all] [--json]`: open conflicts (all with `--all`), oldest first.
    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let all = context.args.flag("all")
        try context.args.finish(maxPositionals: 0)
        let conflicts = try store.conflicts(all: all)
        let text = conflicts.map(describe).joined(separator: "\n")
        let empty = all ? "没有冲突记录" : "没有待处理的冲突"
        context.console.emit(.array(conflicts.map(\.json)), text: conflicts.isEmpty ? empty : text)
    }

    /// `conflicts resolve ID --note TEXT [--keep VALUE] [--actor STAFF] [--json]`.
    static func resolve(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let id = try context.args.positional(0, "冲突编号")
        let note = try context.args.required("note", "处理意见")
        let keep = try context.args.optional("keep")
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 1)
        let resolved = try store.resolveConflict(id, note: note, keep: keep, actor: actor)
        context.console.emit(resolved.json, text: "冲突 \(id) 已处理，处理记录将随同步送达各相关节点\n" + describe(resolved))
    }

    static func describe(_ conflict: StoredConflict) -> String {
        let detail = conflict.detail
        let tier = NodeCode.role(of: conflict.resolver).map { "\(conflict.resolver)（\($0.chineseName)）" } ?? "无需处理"
        let changes = detail["changes"]?.arrayValue?.map { c in
            "\(c["change"]?.stringValue ?? "") \(CaseAction(kind: c["kind"]?.stringValue ?? "")?.chineseName ?? c["kind"]?.stringValue ?? "")"
        }.joined(separator: "，") ?? ""
        var lines = [
            "\(conflict.id)  \(conflict.isResolved ? "已处理" : "待处理")  规则 \(conflict.rule)（\(detail["ruleName"]?.stringValue ?? "")）  办件 \(conflict.entities.joined(separator: "、"))",
            "    \(detail["message"]?.stringValue ?? "")",
            "    相关变更：\(changes)",
            "    结果：\(detail["outcome"]?.stringValue ?? "")",
            "    应由：\(tier)",
        ]
        if case .object(let fields) = detail["values"]?["fields"] ?? .null {
            for (field, values) in fields.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(field)：现为 \(values["winner"]?.stringValue ?? "（空）")，被覆盖的值 \(values["loser"]?.stringValue ?? "（空）")")
            }
        }
        if let resolution = conflict.resolution {
            lines.append("    处理：\(resolution["by"]?.stringValue ?? "") \(resolution["actor"]?.stringValue ?? "")：\(resolution["note"]?.stringValue ?? "")"
                         + (resolution["keep"]?.stringValue.map { "（保留 \($0)）" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
