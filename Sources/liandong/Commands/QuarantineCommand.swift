import LiandongDomain
import LiandongStore

/// `liandong quarantine list|retry`: the changes this node refused at the door (隔离区), for the IT
/// administrator to see and, once the cause is fixed, to run through the checks again
/// (Protocol/sync.md, Quarantine).
enum QuarantineCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["list": list, "retry": retry] }

    /// Rows `list` shows without `--all`.
    static let listLimit = 100

    /// `quarantine list [--all] [--json]`: newest first, the newest 100 unless `--all`.
    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let all = context.args.flag("all")
        try context.args.finish(maxPositionals: 0)
        let counts = try store.quarantineCounts()
        let total = counts.values.reduce(0, +)
        let rows = try store.quarantinedChanges(limit: all ? nil : listLimit)
        let document: JSONValue = [
            "node": .string(store.identity.code), "total": .int(total),
            "byReason": .object(counts.mapValues { .int($0) }), "quarantined": .array(rows.map(json)),
        ]
        guard total > 0 else {
            context.console.emit(document, text: "本节点隔离区没有变更")
            return
        }
        let summary = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: "，")
        var lines = ["本节点隔离区共 \(total) 条变更（\(summary)），最新的在前："]
        lines += rows.map(describe)
        if rows.count < total { lines.append("仅显示最新的 \(rows.count) 条，加 --all 显示全部") }
        if rows.contains(where: \.isTransient) {
            lines.append("原因已排除后（节点登记已到、时钟已校准、已升级），用 liandong quarantine retry 编号 或 --all 重新核验")
        }
        context.console.emit(document, text: lines.joined(separator: "\n"))
    }

    /// `quarantine retry ORIGIN#SEQ... | --all`: one transaction; exits 1 (`not_quarantined`) and
    /// changes nothing when a named change is not in quarantine.
    static func retry(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let all = context.args.flag("all")
        let names = context.args.positionals
        try context.args.finish(maxPositionals: names.count)
        guard all != !names.isEmpty else {
            throw CLIError.usage(all ? "--all 与变更编号不能同时给出" : "缺少要重新核验的变更编号（如 330106001201#5）或 --all")
        }
        let ids = try names.map(changeID)
        let results = try store.retryQuarantined(all ? nil : ids)
        let landed = results.filter { $0.result != .quarantined }.count
        let document: JSONValue = [
            "retried": .int(Int64(results.count)), "landed": .int(Int64(landed)),
            "stillQuarantined": .int(Int64(results.count - landed)), "results": .array(results.map(json)),
        ]
        guard !results.isEmpty else {
            context.console.emit(document, text: "本节点隔离区没有变更，无需重新核验")
            return
        }
        var lines = results.map(describe)
        lines.append("共 \(results.count) 条：\(landed) 条已入库，\(results.count - landed) 条仍在隔离区")
        context.console.emit(document, text: lines.joined(separator: "\n"))
    }

    /// `330106001201#5` → the change id; anything else is a usage error.
    static func changeID(_ text: String) throws -> ChangeID {
        let parts = text.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), let seq = Int64(parts[1]), seq >= 1 else {
            throw CLIError.usage("变更编号 \(text) 格式不对，应为 节点代码#序号（如 330106001201#5）")
        }
        return ChangeID(origin: String(parts[0]), seq: seq)
    }

    /// One row for `list --json`; times in ISO 8601, China Standard Time, as `node list` gives them.
    static func json(_ row: QuarantinedChange) -> JSONValue {
        ["id": .string(row.id.description), "origin": .string(row.origin), "seq": .int(row.seq), "hash": .string(Hex.encode(row.hash)),
         "kind": .optional(row.kind), "reason": .string(row.reason), "transient": .bool(row.isTransient), "message": .string(row.message),
         "source": .optional(row.source), "receivedAt": .string(NodeCommand.timestamp(row.receivedAt)), "held": .bool(row.held)]
    }

    /// One result for `retry --json`: `result` is landed, quarantined or held; `reason` and `message` what stops it now.
    static func json(_ retry: QuarantineRetry) -> JSONValue {
        ["id": .string(retry.change.id.description), "origin": .string(retry.change.origin), "seq": .int(retry.change.seq),
         "hash": .string(Hex.encode(retry.change.hash)), "kind": .optional(retry.change.kind), "source": .optional(retry.change.source),
         "result": .string(retry.result.rawValue), "previousReason": .string(retry.change.reason),
         "reason": .optional(retry.reason), "message": .optional(retry.message)]
    }

    static func describe(_ row: QuarantinedChange) -> String {
        var line = "\(row.id)  \(row.kind ?? "（无法解码）")  \(row.reason)  来自 \(row.source ?? "未知")  \(NodeCommand.displayTime(row.receivedAt))"
        line += "\n    \(row.message)"
        if row.held { line += "\n    本节点已有该变更的正确副本，此条仅为被拒副本的记录" }
        return line
    }

    static func describe(_ retry: QuarantineRetry) -> String {
        let head = "\(retry.change.id)  \(retry.change.kind ?? "（无法解码）")"
        switch retry.result {
        case .landed: return "\(head)  已通过核验并入库（原因 \(retry.change.reason) 已排除）"
        case .held: return "\(head)  本节点已有该变更，隔离记录已清除"
        case .quarantined:
            return "\(head)  仍在隔离区：\(retry.reason ?? retry.change.reason)  \(retry.message ?? retry.change.message)"
        }
    }
}
