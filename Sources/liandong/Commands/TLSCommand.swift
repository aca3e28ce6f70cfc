import LiandongDomain
import LiandongStore

/// `liandong tls announce --cert NEW.pem [--cert …] [--retire-current]`: a parent about to change its
/// TLS key tells its children first, in a signed `node.certificate` change (CertificateAnnouncement),
/// so that the pin each child took from its enrolment token is replaced over the link it already
/// trusts; `tls show` prints what this node serves and what it accepts for its parent.
enum TLSCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["announce": announce, "show": show] }

    static func announce(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let files = context.args.all("cert")
        let retire = context.args.flag("retire-current")
        let configured = try context.args.optional("tls-cert")
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 0)
        guard !files.isEmpty else { throw CLIError.usage("缺少 --cert 新证书文件（PEM），可重复给出") }
        var pins: [String] = []
        // The key served now stays accepted until a later announcement retires it, so no child is cut off meanwhile.
        if !retire, let current = try servedPin(configured, store: store) { pins.append(current) }
        for file in files {
            let pin = try pin(of: file)
            if !pins.contains(pin) { pins.append(pin) }
        }
        let change: Change
        do {
            change = try store.announceCertificate(pins: pins, actor: actor)
        } catch let error as CaseError {
            throw CLIError(code: error.code, message: error.message, exitCode: 2)
        }
        context.console.emit(
            ["code": .string(store.identity.code), "pins": .strings(pins), "change": .string("\(change.origin)#\(change.seq)")],
            text: """
                已公告本节点可出示的 TLS 公钥（变更 \(change.origin)#\(change.seq)）：\(pins.joined(separator: "、"))
                下级同步到这条公告后即接受这些公钥。确认各下级都已收到（liandong status 中下级“已收齐”）后，再更换证书并重启服务；
                之后可用 --retire-current 再公告一次，只保留新公钥。
                """)
    }

    static func show(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let configured = try context.args.optional("tls-cert")
        try context.args.finish(maxPositionals: 0)
        let served = try servedPin(configured, store: store)
        let announced = try store.certificateAnnouncement(of: store.identity.code)
        let parent = try store.acceptedParentPins()
        var text = "本节点证书公钥指纹：\(served ?? "无（未启用 TLS）")"
        if let announced { text += "\n本节点已公告：\(announced.pins.joined(separator: "、"))" }
        text += "\n对上级接受的公钥指纹：" + (parent.isEmpty ? "无（未固定）" : parent.joined(separator: "、"))
        context.console.emit(
            ["served": .optional(served), "announced": announced.map { .strings($0.pins) } ?? .null, "parentPins": .strings(parent)], text: text)
    }

    /// The pin of the certificate this node serves with: the configured one, else the one `init` made.
    static func servedPin(_ configured: String?, store: NodeStore) throws -> String? {
        try (configured ?? ServeCommand.ownCertificate(store.directory)?.0).map(pin(of:))
    }

    static func pin(of file: String) throws -> String {
        do { return try SelfSignedCertificate.pin(certificateFile: file) } catch {
            throw CLIError(code: "certificate_unreadable", message: "无法读取证书 \(file)：\(error)", exitCode: 2)
        }
    }
}
