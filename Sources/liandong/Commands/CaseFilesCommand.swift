import LiandongDomain
import LiandongStore

/// `liandong case attach|files|issue --file`: the files a case carries (issue 12). The file is
/// kept as a blob named by its SHA-256; the change that names it travels as any change, the blob
/// on its own lane.
enum CaseFilesCommand {
    static func attach(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let number = try context.args.positional(0, "办件编号")
        let file = try context.args.positional(1, "要上传的文件")
        let material = try context.args.required("material", "材料编号")
        let name = try context.args.optional("file-name")
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 2)
        let state = try store.attachFile(file, to: number, material: material, actor: actor, fileName: name)
        try emit(&context, state: state, store: store)
    }

    /// `case issue` with or without `--file`: the result document's file rides in the same change.
    static func issue(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let number = try context.args.positional(0, "办件编号")
        let actor = try context.actor()
        let file = try context.args.optional("file")
        let payload = try CasePayloads.payload(for: .issue, &context.args)
        try context.args.finish(maxPositionals: 1)
        let state = try file.map { try store.issueWithFile($0, on: number, payload: payload, actor: actor) }
            ?? store.act(on: number, .issue, payload: payload, actor: actor)
        try emit(&context, state: state, store: store)
    }

    static func export(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let number = try context.args.positional(0, "办件编号")
        let folder = try context.args.required("to", "导出到的文件夹")
        try context.args.finish(maxPositionals: 1)
        let (written, missing) = try store.exportCaseFiles(number, to: folder)
        var lines = written.map { "已导出 \($0)" }
        lines += missing.map { "材料传输中：\($0.fileName)（\(AttachmentLimits.describe($0.size))）尚未到达本节点" }
        if lines.isEmpty { lines = ["办件 \(number) 没有附件"] }
        context.console.emit(["written": .strings(written), "missing": .array(missing.map(\.json))], text: lines.joined(separator: "\n"))
    }

    static func emit(_ context: inout CommandContext, state: CaseState, store: NodeStore) throws {
        let view = CaseView(state: state, calendar: try store.calendar(), today: store.today)
        let last = state.timeline.last?.summary ?? ""
        context.console.emit(view.json(masked: false), text: "办件 \(state.number)：\(last)\n当前状态：\(state.status.chineseName)")
    }
}

extension CaseFilesCommand {
    /// The case's files as `case show` lists them: a file not yet here is "材料传输中" with what has arrived.
    static func listing(_ state: CaseState, store: NodeStore) -> (json: JSONValue, text: String) {
        guard !state.attachments.isEmpty else { return (.array([]), "") }
        var text = "\n附件："
        var items: [JSONValue] = []
        for file in state.attachments {
            let present = store.blobs.has(file.sha256)
            let what = file.purpose == .result ? "结果文书" : (state.item.materials.first { $0.id == file.material }?.name ?? file.material ?? "")
            text += "\n  \(what)  \(file.fileName)  \(file.mediaType.chineseName)  \(AttachmentLimits.describe(file.size))  "
            if present {
                text += "已到达"
            } else {
                text += "材料传输中（已收到 \(AttachmentLimits.describe(store.blobs.held(file.sha256)))）"
            }
            var json = file.json.objectValue ?? [:]
            json["present"] = .bool(present)
            json["held"] = .int(store.blobs.held(file.sha256))
            items.append(.object(json))
        }
        return (.array(items), text)
    }
}
