import Foundation
import LiandongDomain
import LiandongStore

/// `liandong node add|rekey|list|revoke`: the registry of the nodes below this one (节点管理).
enum NodeCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["add": add, "rekey": rekey, "list": list, "revoke": revoke] }

    /// `node add --code C --role R --name N [--ttl-hours 24]`: a one-time token for a child, shown once.
    static func add(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let code = try context.args.required("code", "下级节点的区划代码")
        let roleName = try context.args.required("role", "角色 township|village")
        guard let role = Role(rawValue: roleName) else {
            throw CLIError(code: "invalid_role", message: "未知角色 \(roleName)，应为 county、township 或 village", exitCode: 2)
        }
        let name = try context.args.required("name", "下级节点名称")
        let certificate = try context.args.optional("tls-cert")
        let hours = try context.args.int("ttl-hours") ?? 24
        guard hours > 0, hours <= 24 * 30 else { throw CLIError.usage("--ttl-hours 应在 1 到 720 之间，收到 \(hours)") }
        try context.args.finish(maxPositionals: 0)
        let invitation = try store.addEnrollment(code: code, role: role, name: name, ttl: .seconds(hours * 3600))
        try emitInvitation(invitation, certificate: certificate, store: store, context: &context, extra: [:], lead: "签发一次性加入口令")
    }

    /// `node rekey CODE --reason TEXT [--ttl-hours 24]`: a direct child lost its key with no backup (a
    /// dead disk): a one-time token with which a new PC joins under the same code with a new key. Its
    /// old changes stay valid under the old key and come back to it at its first exchange.
    static func rekey(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let code = try context.args.positional(0, "要重新登记密钥的下级节点代码")
        guard let reason = try context.args.optional("reason"), !reason.allSatisfy({ $0.isWhitespace }) else {
            throw CLIError.usage("node rekey 需要 --reason 写明原因（例如「硬盘损坏，密钥丢失」）")
        }
        let certificate = try context.args.optional("tls-cert")
        let hours = try context.args.int("ttl-hours") ?? 24
        guard hours > 0, hours <= 24 * 30 else { throw CLIError.usage("--ttl-hours 应在 1 到 720 之间，收到 \(hours)") }
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 1)
        let invitation = try store.addReenrollment(code: code, reason: reason, actor: actor, ttl: .seconds(hours * 3600))
        let head = try store.chainHead(of: code).seq
        try emitInvitation(invitation, certificate: certificate, store: store, context: &context,
                           extra: ["rekey": true, "reason": .string(reason), "heldSeq": .int(head)],
                           lead: "签发重新登记密钥的一次性口令（原因：\(reason)；本节点现有其变更至 #\(head)，新密钥将从新机器加入时本节点所存的最后序号之后开始签名）")
    }

    /// Prints a token and the child's init command line, once.
    private static func emitInvitation(_ made: EnrollmentInvitation, certificate: String?, store: NodeStore, context: inout CommandContext,
                                       extra: [String: JSONValue], lead: String) throws {
        var invitation = made
        let (code, role, name) = (made.code, made.role, made.name)
        // The token carries the pin of the certificate this node serves with, so the child trusts exactly it.
        let served = certificate ?? ServeCommand.ownCertificate(store.directory)?.0
        let pin = try served.map { file -> String in
            do { return try SelfSignedCertificate.pin(certificateFile: file) } catch {
                throw CLIError(code: "certificate_unreadable", message: "无法读取本节点的证书 \(file)：\(error)")
            }
        }
        invitation.token = EnrollmentToken(secret: invitation.token, pin: pin).text
        let command = initCommand(for: invitation, parent: store.identity)
        var document: [String: JSONValue] = [
            "code": .string(code), "role": .string(role.rawValue), "name": .string(name), "token": .string(invitation.token),
            "expiresAt": .string(timestamp(invitation.expiresAt)), "command": .string(command),
        ]
        document.merge(extra) { _, new in new }
        context.console.emit(
            .object(document),
            text: """
                已为\(role.chineseName)「\(name)」（\(code)）\(lead)，有效至 \(displayTime(invitation.expiresAt))：
                  \(invitation.token)
                口令只显示这一次，请通过可靠渠道交给下级管理员。在下级机器上运行：
                  \(command)
                """)
    }

    /// `node list`: every node of the registry and the tokens not used yet.
    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let own = store.identity.code
        var rows: [JSONValue] = []
        var lines: [String] = []
        // Each child's lag is one query over its routes: read them all once, not once per registry row.
        let links = Dictionary(try store.childLinks().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        // Every node below as its parent measured its clock at the last hello (issue 10, clock safety).
        let clocks = Dictionary(try store.nodeClocks().map { ($0.code, $0.offsetMillis) }, uniquingKeysWith: { a, _ in a })
        // The whole subtree as the status shows it: when each node was last heard of, what of its subtree is stuck in quarantine.
        let subtree = Dictionary(try store.subtreeView().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for entry in try store.registry() where !(entry.publicKey.isEmpty && entry.revokedHLC == nil) {
            let link = links[entry.code]
            let contact: (lastContact: Int64?, lagMillis: Int64?) = (link?.lastContact, link.map { $0.oldestUnackedAge ?? 0 })
            let registered = entry.registeredHLC > 0 ? HLC(rawValue: entry.registeredHLC).physicalMillis : nil
            let revoked = entry.revokedHLC.map { HLC(rawValue: $0).physicalMillis }
            let status = entry.isRevoked ? "revoked" : "registered"
            rows.append([
                "code": .string(entry.code), "role": .string(entry.role.rawValue), "name": .string(entry.name),
                "publicKey": .string(Hex.encode(entry.publicKey)), "status": .string(status), "self": .bool(entry.code == own),
                "registeredAt": .optional(registered.map(timestamp)), "revoked": .bool(entry.isRevoked),
                "revokedAt": .optional(revoked.map(timestamp)),
                "lastContact": .optional(contact.lastContact.map(timestamp)), "lagSeconds": .optional(contact.lagMillis.map { $0 / 1000 }),
                "clockOffsetSeconds": .optional(clocks[entry.code].map { $0 / 1000 }),
                "lastHeard": .optional(subtree[entry.code]?.lastHeard.map(timestamp)),
                "quarantined": .optional(subtree[entry.code]?.quarantined), "quarantinedBelow": .optional(subtree[entry.code]?.quarantinedBelow),
                "keys": .array(keyHistoryJSON(entry.history)),
            ])
            lines.append(row(entry.code, entry.role, entry.name, entry.isRevoked ? "已撤销" : (entry.code == own ? "本节点" : "已登记"),
                             registered.map(displayTime) ?? "直接信任", contact) + clockText(clocks[entry.code]) + quarantineText(subtree[entry.code]))
            lines += keyHistoryLines(entry.history)
        }
        for pending in try store.pendingEnrollments() {
            let expired = pending.expiresAt <= store.now()
            rows.append([
                "code": .string(pending.code), "role": .string(pending.role.rawValue), "name": .string(pending.name),
                "publicKey": .null, "status": .string(expired ? "expired" : "pending"), "self": .bool(false),
                "registeredAt": .null, "revoked": .bool(false), "revokedAt": .null, "expiresAt": .string(timestamp(pending.expiresAt)),
                "lastContact": .null, "lagSeconds": .null,
            ])
            lines.append(row(pending.code, pending.role, pending.name, expired ? "口令过期" : "待加入", "—", (nil, nil)))
        }
        let header = Console.pad("代码", 14) + Console.pad("角色", 16) + Console.pad("名称", 26) + Console.pad("状态", 10)
            + Console.pad("登记时间", 18) + Console.pad("最近联系", 18) + "滞后"
        context.console.emit(.array(rows), text: lines.isEmpty ? "登记表为空" : ([header] + lines).joined(separator: "\n"))
    }

    /// A re-keyed code's keys, oldest first: from which seq each signs, and for each re-key why, by whom, when.
    static func keyHistoryJSON(_ history: [KeyEpoch]) -> [JSONValue] {
        history.enumerated().map { index, epoch in
            let retiredAt = index + 1 < history.count ? history[index + 1].fromSeq : nil
            return ["fromSeq": .int(epoch.fromSeq), "publicKey": .string(Hex.encode(epoch.publicKey)),
                    "retiredAtSeq": .optional(retiredAt), "reason": .optional(epoch.reason.flatMap { $0.isEmpty ? nil : $0 }),
                    "by": .optional(epoch.by.flatMap { $0.isEmpty ? nil : $0 }),
                    "at": .optional(epoch.hlc.flatMap { $0 > 0 ? timestamp(HLC(rawValue: $0).physicalMillis) : nil })]
        }
    }

    /// The same for people: one indented line per re-key under the node's row.
    static func keyHistoryLines(_ history: [KeyEpoch]) -> [String] {
        history.dropFirst().map { epoch in
            let when = epoch.hlc.flatMap { $0 > 0 ? displayTime(HLC(rawValue: $0).physicalMillis) : nil } ?? "时间待同步"
            let by = epoch.by.flatMap { $0.isEmpty ? nil : $0 } ?? "上级"
            return "    密钥重新登记：旧密钥签至 #\(epoch.fromSeq - 1)，新密钥 \(Hex.encode(epoch.publicKey).prefix(16))… 自 #\(epoch.fromSeq) 起；"
                + "原因「\(epoch.reason ?? "")」，\(by)，\(when)"
        }
    }

    /// A clock more than a minute off its parent's, for the list.
    static func clockText(_ offset: Int64?) -> String {
        guard let offset, abs(offset) > ClockSafety.warnMillis else { return "" }
        return "  时钟\(offset > 0 ? "快" : "慢") \(abs(offset) / 1000) 秒"
    }

    /// Changes of the node's subtree stuck in quarantine, here and further down the path, for the list.
    static func quarantineText(_ node: SubtreeNode?) -> String {
        guard let node, node.quarantined + node.quarantinedBelow > 0 else { return "" }
        return "  隔离 \(node.quarantined + node.quarantinedBelow) 条" + (node.quarantinedBelow > 0 ? "（其中下级节点 \(node.quarantinedBelow) 条）" : "")
    }

    /// `node revoke CODE [--reason TEXT]`: from now on every node refuses its changes and requests.
    static func revoke(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let code = try context.args.positional(0, "要撤销的节点代码")
        let reason = try context.args.optional("reason") ?? ""
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 1)
        let change = try store.revoke(code: code, reason: reason, actor: actor)
        let entry = try store.registryEntry(of: code)
        let name = entry?.name ?? ""
        var document: [String: JSONValue] = ["code": .string(code), "name": .string(name), "reason": .string(reason)]
        if let change {
            document["revoked"] = .bool(true)
            document["revokedAt"] = .string(timestamp(change.hlc.physicalMillis))
            document["change"] = .string("\(change.origin)#\(change.seq)")
        } else {
            document["revoked"] = .bool(false)
            document["tokenCancelled"] = .bool(true)
        }
        context.console.emit(.object(document), text: change == nil
            ? "节点 \(code) 尚未加入，已作废其加入口令"
            : "已撤销节点「\(name)」（\(code)）。该撤销将随同步传到各节点，此后其变更和请求一律拒收。")
    }

    /// One line of `node list`; an unknown contact or lag prints as "—".
    private static func row(_ code: String, _ role: Role, _ name: String, _ status: String, _ registered: String,
                            _ contact: (lastContact: Int64?, lagMillis: Int64?)) -> String {
        Console.pad(code, 14) + Console.pad(role.chineseName, 16) + Console.pad(name, 26) + Console.pad(status, 10)
            + Console.pad(registered, 18) + Console.pad(contact.lastContact.map(displayTime) ?? "—", 18)
            + (contact.lagMillis.map { "\($0 / 1000) 秒" } ?? "—")
    }

    /// The child's init command line, for the parent's administrator to hand over with the token.
    static func initCommand(for invitation: EnrollmentInvitation, parent: NodeIdentity) -> String {
        let url: String
        // A token with a pin means this node serves https with that certificate.
        let scheme = EnrollmentToken.parse(invitation.token)?.pin == nil ? "http://" : "https://"
        if let listen = parent.listen, !listen.isEmpty, !listen.hasPrefix("0.0.0.0"), !listen.hasPrefix("[::]") {
            url = listen.contains("://") ? listen : scheme + listen
        } else {
            let port = parent.listen?.split(separator: ":").last.map(String.init) ?? "8080"
            url = scheme + "<本节点地址>:\(port)"
        }
        return ["liandong", "init", "--data", "<数据目录>", "--role", invitation.role.rawValue, "--code", invitation.code,
                "--name", invitation.name, "--parent", url, "--enroll", invitation.token].map(shellQuoted).joined(separator: " ")
    }

    /// Quotes a word for a POSIX shell when it needs it.
    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { $0.value > 0x7F || CharacterSet.alphanumerics.contains($0) || "-_./:=@%+,".unicodeScalars.contains($0) }
        // A placeholder such as <数据目录> is for people to replace, not to paste.
        if (plain && !word.isEmpty) || word.contains("<") { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// ISO 8601 in China Standard Time, for --json.
    static func timestamp(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// "2026-09-28 09:00" in China Standard Time, for people.
    static func displayTime(_ millis: Int64) -> String {
        let minutes = (millis / 1000 + 8 * 3600) / 60
        let day = LocalDate(epochMillis: millis)
        let minuteOfDay = ((minutes % 1440) + 1440) % 1440
        return "\(day.iso) " + String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60)
    }
}
