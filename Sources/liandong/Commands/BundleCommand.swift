import LiandongDomain
import LiandongStore
import LiandongSync

/// `liandong bundle export|import`: the exchange with a neighbour carried on a USB stick (issue 12,
/// Protocol/bundle.md), for a village with no usable link. Export writes one signed file; import
/// checks it whole and applies it as a push (at the parent) or a pull (at the child).
enum BundleCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["export": export, "import": importFile] }

    static func export(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let path = try context.args.required("to", "数据包文件路径")
        let child = try context.args.optional("for")
        try context.args.finish(maxPositionals: 0)
        let (header, bytes) = try refusals {
            try child.map { try BundleExchange.exportDown(store, for: $0, to: path) } ?? BundleExchange.exportUp(store, to: path)
        }
        let fileBytes = header.files.reduce(Int64(0)) { $0 + $1.size }
        let toWhom = header.direction == .up ? "上级" : "下级"
        let text = "已写出数据包 \(path)（\(AttachmentLimits.describe(bytes))）：给\(toWhom) \(header.to) 的变更 \(header.changes.count) 条，"
            + "附件 \(header.files.count) 个（\(AttachmentLimits.describe(fileBytes))）。请拷贝到对方节点，用 liandong bundle import 导入"
        context.console.emit(["path": .string(path), "bytes": .int(bytes), "from": .string(header.from), "to": .string(header.to),
                              "direction": .string(header.direction.rawValue), "changes": .int(Int64(header.changes.count)),
                              "files": .int(Int64(header.files.count)), "fileBytes": .int(fileBytes)], text: text)
    }

    static func importFile(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let path = try context.args.positional(0, "数据包文件")
        try context.args.finish(maxPositionals: 1)
        let outcome = try refusals { try BundleExchange.importBundle(store, from: path) }
        var text = "已导入 \(outcome.from) 的数据包：变更 \(outcome.received) 条，新存 \(outcome.stored) 条，已有 \(outcome.duplicates) 条；"
            + "附件新存 \(outcome.filesInstalled) 个，已有 \(outcome.filesAlreadyHeld) 个"
        for report in outcome.quarantined { text += "\n  已隔离：\(report.origin)#\(report.seq)（\(report.reason)）\(report.message)" }
        for skipped in outcome.filesSkipped { text += "\n  附件 \(skipped.sha256.prefix(12))… 未存：\(skipped.reason)" }
        context.console.emit(outcome.json, text: text)
    }

    /// A bundle refused (or a file that cannot be written) is said to staff in Chinese, with its English code.
    static func refusals<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as SyncError {
            throw CLIError(code: error.code, message: error.message, fields: error.details)
        }
    }
}
