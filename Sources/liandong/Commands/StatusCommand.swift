import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore

/// `liandong status`: who this node is, what it holds, and how its sync stands.
enum StatusCommand {
    static func run(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let certificate = try context.args.optional("tls-cert") ?? ServeCommand.ownCertificate(store.directory)?.0
        try context.args.finish(maxPositionals: 0)
        var status = try NodeStatus.json(store)
        // The certificate's expiry, shown 30 days ahead (HealthCheck.certificateWarning) so it is renewed in time.
        var certificateText: String?
        if let certificate, let notAfter = try? CertificateFile.notAfter(file: certificate), case .object(var fields) = status {
            let daysLeft = (notAfter - store.now()) / 86_400_000
            fields["certificate"] = ["file": .string(certificate), "notAfter": .int(notAfter), "daysLeft": .int(daysLeft)]
            status = .object(fields)
            if notAfter - store.now() <= HealthCheck.certificateWarning {
                certificateText = daysLeft < 0 ? "TLS 证书 \(certificate) 已过期，请立即更换" : "TLS 证书 \(certificate) 将在 \(daysLeft) 天后到期，请及时更换"
            }
        }
        let identity = store.identity
        // Codes of this node and below that their parent re-keyed (node rekey): the old key retired at seq N, why, by whom, when.
        let rekeyed = try store.registry().filter { !$0.history.isEmpty && NodeCode.isAncestorOrSelf(identity.code, of: $0.code) }
        if !rekeyed.isEmpty, case .object(var fields) = status {
            fields["keyHistory"] = .array(rekeyed.map { ["code": .string($0.code), "keys": .array(NodeCommand.keyHistoryJSON($0.history))] })
            status = .object(fields)
        }
        var text = "\(identity.role.chineseName)「\(identity.name)」（\(identity.code)）\n"
        if let message = status["revoked"]?["message"]?.stringValue { text += "【已撤销】\(message)\n" }
        if let warning = status["calendarWarning"]?.stringValue { text += "【提醒】\(warning)\n" }
        for renumbering in status["renumbered"]?.arrayValue ?? [] {
            text += "【办件改号】\(renumbering["message"]?.stringValue ?? "")\n"
        }
        text += "上级：\(identity.parentURL ?? "无")\n"
        text += "变更 \(status["changes"]?.intValue ?? 0) 条（本节点 \(status["ownChanges"]?.intValue ?? 0) 条），办件 \(status["cases"]?.intValue ?? 0) 件（在办 \(status["openCases"]?.intValue ?? 0) 件，超期 \(status["overdue"]?.intValue ?? 0) 件），事项 \(status["items"]?.intValue ?? 0) 个，冲突 \(status["conflicts"]?.intValue ?? 0) 条"
        if let blobs = status["blobs"], let referenced = blobs["referenced"]?.intValue, referenced > 0 {
            text += "\n附件 \(referenced) 个：已到达 \(blobs["present"]?.intValue ?? 0) 个（\(AttachmentLimits.describe(blobs["presentBytes"]?.intValue ?? 0))）"
            if let missing = blobs["missing"]?.intValue, missing > 0 {
                text += "，传输中 \(missing) 个（共 \(AttachmentLimits.describe(blobs["missingBytes"]?.intValue ?? 0))，已收到 \(AttachmentLimits.describe(blobs["partialBytes"]?.intValue ?? 0))）"
            }
        }
        if let sync = status["sync"] {
            if identity.parentURL != nil {
                text += "\n同步：上级 \(sync["parentCode"]?.stringValue ?? "未连接")"
                if let contact = sync["lastContact"]?.intValue { text += "，最近联系 \(timeText(contact))" }
                let unacked = sync["unackedUp"]?.intValue ?? 0
                text += unacked == 0 ? "，上级已收齐本辖区变更" : "，\(unacked) 条变更上级尚未确认（最早的已 \(sync["oldestUnackedUpSeconds"]?.intValue ?? 0) 秒）"
                if let error = sync["lastError"]?.stringValue { text += "\n最近错误：\(error)" }
            }
            for child in sync["children"]?.arrayValue ?? [] {
                text += "\n下级 \(child["code"]?.stringValue ?? "")：最近联系 \(child["lastContact"]?.intValue.map(timeText) ?? "无")"
                let unacked = child["unacked"]?.intValue ?? 0
                let revoked = (status["subtree"]?.arrayValue ?? []).contains { $0["code"] == child["code"] && $0["revoked"]?.boolValue == true }
                if revoked {
                    text += "，已撤销（不再同步，不算滞后）"
                } else {
                    text += unacked == 0 ? "，已收齐" : "，\(unacked) 条未确认（最早的已 \(child["oldestUnackedSeconds"]?.intValue ?? 0) 秒）"
                }
            }
            for node in status["subtree"]?.arrayValue ?? [] where NodeCode.parent(of: node["code"]?.stringValue ?? "") != identity.code {
                // Below the direct children: when this node last heard of it, and what is quarantined of it here.
                text += "\n辖区 \(node["code"]?.stringValue ?? "") \(node["name"]?.stringValue ?? "")："
                if node["revoked"]?.boolValue == true { text += "已撤销" } else {
                    text += node["lastHeard"]?.intValue.map { "最近收到其变更 \(timeText($0))" } ?? "尚未收到其变更"
                }
                if let held = node["quarantined"]?.intValue, held > 0 { text += "，本节点隔离 \(held) 条" }
                if let held = node["quarantinedBelow"]?.intValue, held > 0 { text += "，下级节点隔离 \(held) 条" }
            }
            for report in sync["reports"]?.arrayValue ?? [] {
                text += "\n被上级隔离：\(report["origin"]?.stringValue ?? "")#\(report["seq"]?.intValue ?? 0)（\(report["reason"]?.stringValue ?? "")）\(report["message"]?.stringValue ?? "")"
            }
        }
        for entry in rekeyed {
            text += "\n" + (entry.code == identity.code ? "本节点" : "辖区 \(entry.code) \(entry.name)") + "：\n"
                + NodeCommand.keyHistoryLines(entry.history).joined(separator: "\n")
        }
        if let certificateText { text += "\n" + certificateText }
        if let message = status["heal"]?["message"]?.stringValue { text += "\n" + message }
        if let lost = status["heal"]?["lost"]?.arrayValue, !lost.isEmpty {
            text += "\n上次恢复确已丢失的本节点变更：\(RestoreHeal.describe(lost.compactMap(\.intValue)))"
        }
        if let warning = status["clock"]?["warning"]?.stringValue { text += "\n时钟：\(warning)" }
        for clock in status["clock"]?["nodes"]?.arrayValue ?? [] {
            let offset = clock["offsetMillis"]?.intValue ?? 0
            guard abs(offset) > ClockSafety.warnMillis else { continue }
            text += "\n时钟异常：节点 \(clock["code"]?.stringValue ?? "") 比其上级\(offset > 0 ? "快" : "慢") \(abs(offset) / 1000) 秒"
        }
        for restamp in status["clock"]?["restamped"]?.arrayValue ?? [] {
            text += "\n时钟校准后重新签名：\(restamp["entity"]?.stringValue ?? "") 的「\(restamp["kind"]?.stringValue ?? "")」（#\(restamp["oldSeq"]?.intValue ?? 0) → #\(restamp["newSeq"]?.intValue ?? 0)）"
        }
        for resolved in status["clock"]?["resolved"]?.arrayValue ?? [] {
            text += "\n因时钟隔离的 \(resolved["change"]?.stringValue ?? "") 已由该节点校准时钟后重新签名送达，隔离已解除"
        }
        context.console.emit(status, text: text)
    }

    static func timeText(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
