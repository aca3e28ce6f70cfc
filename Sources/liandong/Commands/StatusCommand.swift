import LiandongDomain
import LiandongStore

/// `liandong status`: who this node is and what it holds.
enum StatusCommand {
    static func run(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let status = try store.status()
        let identity = store.identity
        var text = "\(identity.role.chineseName)「\(identity.name)」（\(identity.code)）\n"
        text += "上级：\(identity.parentURL ?? "无")\n"
        text += "变更 \(status["changes"]?.intValue ?? 0) 条（本节点 \(status["ownChanges"]?.intValue ?? 0) 条），办件 \(status["cases"]?.intValue ?? 0) 件（在办 \(status["openCases"]?.intValue ?? 0) 件，超期 \(status["overdue"]?.intValue ?? 0) 件），事项 \(status["items"]?.intValue ?? 0) 个，冲突 \(status["conflicts"]?.intValue ?? 0) 条"
        context.console.emit(status, text: text)
    }
}
