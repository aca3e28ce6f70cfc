import LiandongDomain
import LiandongStore

/// Notices are the documents staff print for applicants: the acceptance receipt (受理回执), the
/// refusal (不予受理通知), the one-time notice (一次性告知书) and the case detail.
enum Notices {
    static func oneTimeNotice(_ notice: OneTimeNotice, node: NodeIdentity, tolerable: Bool) -> String {
        var text = "一次性告知书\n文号：\(notice.number)\n\(Masking.name(notice.applicant.name))：\n"
        text += "您申请办理的「\(notice.itemName)」尚缺以下材料，请一次备齐后再来办理：\n"
        for (index, material) in notice.owed.enumerated() { text += "  \(index + 1). \(material.name)\n" }
        if let note = notice.note { text += "说明：\(note)\n" }
        if tolerable { text += "该事项允许容缺受理：如需先行受理，请工作人员使用 --tolerate-missing。\n" }
        text += "\(node.name)  经办人：\(notice.actor)  \(notice.issuedOn.iso)"
        return text
    }

    static func receipt(_ view: CaseView, node: NodeIdentity) -> String {
        let state = view.state
        var text = "受理回执\n办件编号：\(state.number)\n"
        if let document = state.document(.acceptance) { text += "受理通知书文号：\(document.number)\n" }
        text += "查询码：\(state.queryCode)\n事项：\(state.item.name)\n"
        text += "申请人：\(Masking.name(state.applicant.name))（\(Masking.idNumber(state.applicant.idNumber))）\n"
        text += "受理单位：\(node.name)  受理日期：\(state.acceptedOn.iso)\n"
        if let due = view.dueDate { text += "承诺办结日期：\(due.iso)\n" } else { text += "即办件：当场办结\n" }
        if !state.toleratedMissing.isEmpty {
            let names = state.toleratedMissing.map { id in state.item.materials.first { $0.id == id }?.name ?? id }
            text += "容缺受理，请尽快补交：\(names.joined(separator: "、"))\n"
        }
        text += "状态：\(state.status.chineseName)"
        return text
    }

    static func refusal(_ view: CaseView, node: NodeIdentity) -> String {
        let state = view.state
        var text = "不予受理通知书\n"
        if let document = state.document(.refusal) { text += "文号：\(document.number)\n" }
        text += "办件编号：\(state.number)\n事项：\(state.item.name)\n申请人：\(Masking.name(state.applicant.name))\n理由：\n"
        for (index, reason) in state.refusalReasons.enumerated() { text += "  \(index + 1). \(reason)\n" }
        text += (state.document(.refusal)?.rights ?? AppealRights.statutory).text + "\n"
        text += "\(node.name)  \(state.acceptedOn.iso)"
        return text
    }

    static func detail(_ view: CaseView) -> String {
        let state = view.state
        let marks: [DeadlineStatus: String] = [.onTime: "正常", .dueSoon: "预警（3 个工作日内到期）", .overdue: "超期"]
        var text = "办件 \(state.number)（查询码 \(state.queryCode)）\n事项：\(state.item.name)（\(state.item.code) 第 \(state.item.version) 版）\n"
        text += "申请人：\(state.applicant.name)  证件：\(state.applicant.idNumber)  电话：\(state.applicant.phone)\n"
        text += "状态：\(state.status.chineseName)  当前节点：\(state.holder)  决定节点：\(state.decider)\n"
        text += "受理：\(state.acceptedOn.iso)  承诺办结：\(view.dueDate?.iso ?? "即办")  法定办结：\(view.legalDueDate.iso)  时限：\(marks[view.deadlineStatus] ?? "")"
        if view.clock.isPaused { text += "（计时暂停中）" }
        text += "\n办理过程："
        for step in state.timeline {
            text += "\n  \(LocalDate(epochMillis: step.wall).iso)  \(step.origin)  \(step.actor)  \(step.summary)"
        }
        if !state.documents.isEmpty {
            text += "\n文书："
            for document in state.documents {
                text += "\n  \(document.kind.chineseName)  \(document.number)  \(document.issuedOn.iso)"
                if let rights = document.rights { text += "\n    \(rights.text)" }
            }
        }
        return text
    }
}
