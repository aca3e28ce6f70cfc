import LiandongDomain
import LiandongStore

/// `liandong catalog import|list|show`: the county's item catalog (事项目录).
enum CatalogCommand {
    static func importFile(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let actor = try context.actor()
        let path = try context.args.positional(0, "目录文件路径")
        try context.args.finish(maxPositionals: 1)
        let result = try store.importCatalog(try context.readJSONFile(path), actor: actor)
        context.console.emit(
            ["published": .strings(result.published.map(\.code)), "unchanged": .int(Int64(result.unchanged))],
            text: "已发布 \(result.published.count) 个事项，\(result.unchanged) 个未变化")
    }

    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let items = try store.items()
        let lines = items.map { item in
            Console.pad(item.code, 22) + Console.pad(item.name, 30) + Console.pad(item.kind == .immediate ? "即办件" : "承诺件", 8)
                + "\(item.decideAt.chineseName)决定  承诺 \(item.promisedLimit.days) 个\(item.promisedLimit.unit == .working ? "工作日" : "自然日")"
        }
        context.console.emit(
            .array(items.map { ["code": .string($0.code), "name": .string($0.name), "kind": .string($0.kind.rawValue),
                                "decideAt": .string($0.decideAt.rawValue), "version": .int(Int64($0.version))] }),
            text: items.isEmpty ? "事项目录为空" : lines.joined(separator: "\n"))
    }

    static func show(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let code = try context.args.positional(0, "事项编码")
        try context.args.finish(maxPositionals: 1)
        guard let item = try store.item(code: code) else {
            throw CLIError(code: "unknown_item", message: "事项目录中没有事项 \(code)", fields: ["item": .string(code)])
        }
        var text = "\(item.name)（\(item.code)，第 \(item.version) 版）\n"
        text += "类型：\(item.kind == .immediate ? "即办件" : "承诺件")；受理：\(item.acceptAt.map(\.chineseName).joined(separator: "、"))；决定：\(item.decideAt.chineseName)\n"
        text += "法定时限 \(item.legalLimit.days) 个\(item.legalLimit.unit == .working ? "工作日" : "自然日")，承诺时限 \(item.promisedLimit.days) 个\(item.promisedLimit.unit == .working ? "工作日" : "自然日")\n"
        text += "容缺受理：\(item.toleratedMissing ? "允许" : "不允许")；补正期间\(item.supplementPausesClock ? "暂停" : "不暂停")计时\n材料："
        for material in item.materials {
            text += "\n  [\(material.required ? "必需" : "可选")] \(material.id)  \(material.name)"
        }
        context.console.emit(item.json, text: text)
    }
}
