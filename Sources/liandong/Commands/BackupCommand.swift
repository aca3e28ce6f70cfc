import LiandongDomain
import LiandongStore

/// `liandong backup --to FILE` and `liandong restore --from FILE`.
enum BackupCommand {
    static func backup(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let path = try context.args.required("to", "备份文件路径")
        try context.args.finish(maxPositionals: 0)
        try store.backup(to: path)
        context.console.emit(["backup": .string(path)], text: "已备份到 \(path)")
    }

    static func restore(_ context: inout CommandContext) throws {
        let directory = try context.dataDirectory()
        let path = try context.args.required("from", "备份文件路径")
        try context.args.finish(maxPositionals: 0)
        try NodeStore.restore(directory: directory, from: path)
        context.console.emit(["restored": .string(path)], text: "已从 \(path) 恢复。请先确认该节点的服务已停止；恢复后的变更将在下次同步时补齐。")
    }
}
