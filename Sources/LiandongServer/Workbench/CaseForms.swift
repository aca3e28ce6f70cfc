import LiandongDomain
import LiandongStore
import LiandongSync

/// CaseForms are the fields each case action needs on the case page, and how its posted form
/// becomes the change payload (the same payloads `liandong case …` records).
enum CaseForms {
    static func fields(_ action: CaseAction, state: CaseState) -> String {
        let v = action.verb
        func id(_ name: String) -> String { "\(v)-\(name)" }
        switch action {
        case .accept, .refuse: return ""
        case .review: return HTML.textarea(id("opinion"), "审查意见")
        case .forward: return HTML.textarea(id("opinion"), "上报意见")
        case .approve: return HTML.textarea(id("opinion"), "准予意见")
        case .deny: return HTML.textarea(id("reasons"), "不予许可理由", extra: "required") + HTML.textarea(id("opinion"), "不予许可意见")
        case .requestSupplement:
            var out = "<fieldset class=\"materials\"><legend>需补正的材料（一次列明全部）</legend>"
            for material in state.item.materials {
                let box = id("m-" + material.id)
                out += "<p class=\"field\"><input type=\"checkbox\" id=\"\(HTML.esc(box))\" name=\"material\" value=\"\(HTML.esc(material.id))\">"
                    + "<label for=\"\(HTML.esc(box))\">补正：\(HTML.esc(material.name))</label></p>"
            }
            return out + "</fieldset>" + HTML.textarea(id("note"), "补正说明")
        case .recordSupplement:
            var out = "<fieldset class=\"materials\"><legend>已收到的补正材料</legend>"
            for material in state.supplement?.materials ?? [] {
                let name = state.item.materials.first { $0.id == material }?.name ?? material
                let box = id("m-" + material)
                out += "<p class=\"field\"><input type=\"checkbox\" id=\"\(HTML.esc(box))\" name=\"material\" value=\"\(HTML.esc(material))\">"
                    + "<label for=\"\(HTML.esc(box))\">收到：\(HTML.esc(name))</label></p>"
            }
            return out + "</fieldset>"
        case .issue:
            return HTML.field(id("name"), "结果文书名称", value: state.item.resultName ?? "") + HTML.field(id("number"), "结果文书编号")
                + HTML.field(id("valid"), "有效期至", type: "date")
        case .deliver:
            return HTML.select(id("method"), "送达方式", options: [("collected", "窗口领取"), ("mailed", "邮寄")],
                               selected: state.deliveryPreference.method == .mail ? "mailed" : "collected")
                + HTML.field(id("tracking"), "邮寄单号")
        case .evaluate:
            return HTML.select(id("level"), "评价等级", options: EvaluationLevel.allCases.map { (String($0.rawValue), $0.chineseName) })
                + HTML.field(id("comment"), "评价意见")
        case .closeFollowUp: return HTML.textarea(id("result"), "整改结果", extra: "required")
        case .withdraw: return HTML.field(id("reason"), "撤回原因", extra: "required")
        case .extend:
            return HTML.field(id("days"), "延期天数", value: "10", type: "number", extra: "min=\"1\" max=\"30\"") + HTML.field(id("reason"), "延期理由", extra: "required")
        case .startSpecialProcedure:
            let options = CaseReducer.specialProcedures.sorted { $0.key < $1.key }.map { (value: $0.key, text: $0.value) }
            return HTML.select(id("procedure"), "特别程序", options: options) + HTML.field(id("reason"), "特别程序原因", extra: "required")
        case .endSpecialProcedure: return HTML.field(id("result"), "特别程序结果")
        case .transfer: return HTML.field(id("to"), "转办至节点", extra: "required") + HTML.field(id("reason"), "转办原因", extra: "required")
        case .rehandle: return HTML.textarea(id("reason"), "重新办理理由", extra: "required")
        // Files come in through the CLI (`case attach`); the workbench shows them (Attachments).
        case .attach: return ""
        case .updateContact:
            return HTML.field(id("phone"), "新联系电话", value: state.applicant.phone) + HTML.field(id("address"), "新住址", value: state.applicant.address ?? "")
                + HTML.field(id("mail"), "新邮寄地址", value: state.deliveryPreference.mailAddress ?? "")
        }
    }

    /// The change payload from the posted form; a missing required field is a Chinese error.
    static func payload(_ action: CaseAction, _ form: WebForm) throws -> JSONValue {
        let v = action.verb
        func value(_ name: String) -> String? { form["\(v)-\(name)"] }
        func required(_ name: String, _ meaning: String) throws -> String {
            guard let text = value(name) else { throw WebError.invalid("请填写\(meaning)") }
            return text
        }
        switch action {
        case .accept, .refuse: throw WebError.invalid("受理请在受理页面办理")
        case .review, .forward, .approve: return ["opinion": .optional(value("opinion"))]
        case .deny:
            let reasons = form.lines("\(v)-reasons")
            guard !reasons.isEmpty else { throw WebError.invalid("不予许可必须写明理由（每行一条）") }
            return ["reasons": .strings(reasons), "opinion": .optional(value("opinion"))]
        case .requestSupplement:
            let materials = form.all("material")
            guard !materials.isEmpty else { throw WebError.invalid("补正告知必须一次列明全部所需材料") }
            return ["materials": .strings(materials), "note": .optional(value("note"))]
        case .recordSupplement:
            let materials = form.all("material")
            guard !materials.isEmpty else { throw WebError.invalid("请勾选收到的补正材料") }
            return ["materials": .strings(materials)]
        case .issue:
            return ["documentName": .optional(value("name")), "documentNumber": .optional(value("number")), "validUntil": .optional(value("valid"))]
        case .deliver:
            let tracking = value("tracking")
            return ["method": .string(value("method") ?? (tracking == nil ? "collected" : "mailed")), "trackingNumber": .optional(tracking)]
        case .evaluate:
            guard let text = value("level"), let level = EvaluationLevel(text: text) else { throw WebError.invalid("请选择评价等级") }
            return ["level": .int(Int64(level.rawValue)), "comment": .optional(value("comment"))]
        case .closeFollowUp: return ["result": .string(try required("result", "整改结果"))]
        case .withdraw: return ["reason": .string(try required("reason", "撤回原因"))]
        case .extend:
            guard let days = Int(value("days") ?? "10"), (1...60).contains(days) else { throw WebError.invalid("延期天数应为 1 至 60 的整数") }
            return ["days": .int(Int64(days)), "reason": .string(try required("reason", "延期理由"))]
        case .startSpecialProcedure:
            return ["procedure": .string(try required("procedure", "特别程序")), "reason": .string(try required("reason", "特别程序原因"))]
        case .endSpecialProcedure: return ["result": .optional(value("result"))]
        case .transfer: return ["to": .string(try required("to", "转办目标节点")), "reason": .string(try required("reason", "转办原因"))]
        case .rehandle: return ["reason": .string(try required("reason", "重新办理理由"))]
        case .attach: throw WebError.invalid("上传材料请用 liandong case attach")
        case .updateContact: return ["phone": .optional(value("phone")), "address": .optional(value("address")), "mailAddress": .optional(value("mail"))]
        }
    }
}
