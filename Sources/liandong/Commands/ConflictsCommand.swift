import LiandongDomain
import LiandongStore

/// `liandong conflicts list`: changes the rules did not apply, for staff to review (DESIGN §6).
enum ConflictsCommand {
    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let conflicts = try store.conflicts()
        let text = conflicts.map { c in
            "\(c["id"]?.stringValue ?? "")  办件 \(c["entity"]?.stringValue ?? "")  规则 \(c["rule"]?.stringValue ?? "")  变更 \(c["change"]?.stringValue ?? "")  应由 \(c["resolver"]?.stringValue ?? "") 处理\n    \(c["message"]?.stringValue ?? "")"
        }.joined(separator: "\n")
        context.console.emit(.array(conflicts), text: conflicts.isEmpty ? "没有冲突记录" : text)
    }
}
