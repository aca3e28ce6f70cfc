import Foundation
import LiandongDomain
import LiandongPrint
import LiandongStore

/// `liandong case print`: writes one printed document (LiandongPrint) as an HTML file for the
/// browser to print on A4. With a case number it prints from the case; without one, the
/// one-time notice (一次性告知书) of an application turned away for missing materials, from the
/// same options as `case accept` (no case exists for it, so nothing is written to the store).
enum PrintCommand {
    static func run(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let slug = try context.args.required("document", "文书种类")
        guard let kind = PrintedDocumentKind(slug: slug) else {
            let kinds = PrintedDocumentKind.allCases.map { "\($0.slug)（\($0.title)）" }.joined(separator: "、")
            throw CLIError(code: "unknown_document", message: "未知的文书种类 \(slug)，可选：\(kinds)", exitCode: 2)
        }
        let target = try context.args.required("to", "输出文件")
        let baseOption = try context.args.optional("public-base")
        let remedies = Remedies(reviewBody: try context.args.optional("review-body"), court: try context.args.optional("court"))
        let subject: PrintRequest.Subject
        if context.args.positionals.isEmpty {
            guard kind == .oneTimeNotice else { throw CLIError.usage("缺少办件编号（只有未受理申请的一次性告知书可以不带办件编号）") }
            subject = .unaccepted(try unaccepted(&context, store: store))
        } else {
            let number = try context.args.positional(0, "办件编号")
            let view = try store.caseView(number)
            subject = .existing(view)
        }
        try context.args.finish(maxPositionals: 1)
        let allowed = PrintedDocument.kinds(allowedFor: subject)
        guard allowed.contains(kind) else {
            let error = PrintError.notAllowed(kind: kind, status: subject.state?.status, allowed: allowed)
            throw CLIError(code: error.code, message: error.message, fields: [
                "document": .string(kind.slug), "state": .optional(subject.state?.status.rawValue), "allowed": .strings(allowed.map(\.slug)),
            ])
        }
        let publicBase = try baseOption ?? defaultPublicBase(store.identity)
        let nodeNames = Dictionary((try store.registry()).map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let request = PrintRequest(
            subject: subject, node: PrintingNode(code: store.identity.code, fullName: store.identity.name), nodeNames: nodeNames,
            publicBase: publicBase, printedAt: store.now(), remedies: remedies)
        let html: String
        do {
            html = try PrintedDocument.render(kind, request)
        } catch {
            throw CLIError(code: error.code, message: error.message, exitCode: error.code == "invalid_public_base" ? 2 : 1)
        }
        try write(html, to: target)
        // A printed document carries the applicant's full name and ID number: every print is audited,
        // from the command line as from the workbench (等保 2.0 安全审计).
        try store.audit(staff: StaffCommand.cliActor(), action: "print.\(kind.slug)", target: printTarget(subject), outcome: "ok", detail: target)
        let number = PrintedNumber.resolve(kind: kind, request: request)
        context.console.emit(
            ["document": .string(kind.slug), "title": .string(kind.title(for: request.state)), "file": .string(target),
             "documentNumber": .string(number.text), "documentNumberDerived": .bool(number.isDerived), "bytes": .int(Int64(html.utf8.count))],
            text: "已生成\(kind.title(for: request.state))（文书编号 \(number.text)）：\(target)")
    }

    /// What the audit row names: the case number, or the item of a notice without a case (as the workbench does).
    static func printTarget(_ subject: PrintRequest.Subject) -> String {
        switch subject {
        case .existing(let view): return view.state.number
        case .unaccepted(let application): return application.item.code
        }
    }

    /// `--public-base URL`, else the node's own listen address (what the PC itself can open).
    static func defaultPublicBase(_ identity: NodeIdentity) throws -> String {
        guard let listen = identity.listen, let (host, _) = ServeCommand.parseListen(listen) else {
            throw CLIError.usage("缺少 --public-base URL（公开查询地址，二维码指向它；本节点未设置监听地址）")
        }
        return (ServeCommand.isLoopback(host) ? "http://" : "https://") + listen
    }

    /// The application of a one-time notice without a case: the `case accept` options.
    static func unaccepted(_ context: inout CommandContext, store: NodeStore) throws -> UnacceptedApplication {
        let code = try context.args.required("item", "事项编码")
        guard let item = try store.item(code: code) else {
            throw CLIError(code: "unknown_item", message: "事项目录中没有事项 \(code)", fields: ["item": .string(code)])
        }
        let idTypeName = try context.args.optional("id-type") ?? Applicant.IDType.residentID.rawValue
        guard let idType = Applicant.IDType(rawValue: idTypeName) else { throw CLIError.usage("--id-type 应为 resident_id 或 credit_code") }
        let applicant = Applicant(
            name: try context.args.required("applicant-name", "申请人姓名"), idType: idType,
            idNumber: try context.args.required("applicant-id", "申请人证件号码"),
            phone: try context.args.required("phone", "联系电话"), address: try context.args.optional("address"))
        let provided = Set(context.args.all("material"))
        if let unknown = provided.subtracting(item.materials.map(\.id)).sorted().first {
            throw CLIError(code: "invalid_payload", message: "事项「\(item.name)」没有材料 \(unknown)", fields: ["field": .string("material")])
        }
        return UnacceptedApplication(item: item, applicant: applicant, provided: provided, on: store.today)
    }

    /// Writes the page beside its target and renames it into place: a reader never sees half a
    /// file, and a failure leaves nothing behind. 0600: the page holds a full ID number.
    static func write(_ html: String, to target: String) throws {
        let temporary = target + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError(code: "write_failed", message: "无法写入文件 \(target)")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CLIError(code: "write_failed", message: "无法写入文件 \(target)：\(reason)")
        }
    }
}
