import LiandongDomain

/// CasePayloads turns each verb's command-line options into its change payload.
enum CasePayloads {
    static func payload(for action: CaseAction, _ args: inout Arguments) throws -> JSONValue {
        switch action {
        case .accept, .refuse:
            throw CLIError.usage("受理请用 case accept")
        case .attach:
            throw CLIError.usage("用法：liandong case attach 办件编号 --material 材料编号 文件")
        case .requestSupplement:
            let materials = args.all("material")
            guard !materials.isEmpty else { throw CLIError.usage("补正告知必须用 --material 一次列明全部所需材料（可多次）") }
            return ["materials": .strings(materials), "note": .optional(try args.optional("note"))]
        case .recordSupplement:
            let materials = args.all("material")
            guard !materials.isEmpty else { throw CLIError.usage("请用 --material 列出收到的补正材料（可多次）") }
            return ["materials": .strings(materials)]
        case .review, .forward:
            return ["opinion": .optional(try args.optional("opinion"))]
        case .approve:
            return ["opinion": .optional(try args.optional("opinion"))]
        case .deny:
            let reasons = args.all("reason")
            guard !reasons.isEmpty else { throw CLIError.usage("不予许可必须用 --reason 说明理由（可多次）") }
            return ["reasons": .strings(reasons), "opinion": .optional(try args.optional("opinion"))]
        case .issue:
            return ["documentName": .optional(try args.optional("document-name")),
                    "documentNumber": .optional(try args.optional("document-number")),
                    "validUntil": .optional(try args.optional("valid-until"))]
        case .deliver:
            let tracking = try args.optional("tracking-number")
            let method = try args.optional("method") ?? (tracking == nil ? "collected" : "mailed")
            return ["method": .string(method), "trackingNumber": .optional(tracking)]
        case .evaluate:
            let text = try args.required("level", "评价等级 1-5 或 非常满意/满意/基本满意/不满意/非常不满意")
            guard let level = EvaluationLevel(text: text) else {
                throw CLIError(code: "invalid_level", message: "评价等级无效：\(text)；应为 1（非常满意）至 5（非常不满意）", exitCode: 2)
            }
            return ["level": .int(Int64(level.rawValue)), "comment": .optional(try args.optional("comment")),
                    "followUpDays": .optional(try args.int("follow-up-days"))]
        case .closeFollowUp:
            return ["result": .string(try args.required("result", "回访整改结果"))]
        case .withdraw:
            return ["reason": .string(try args.required("reason", "撤回原因"))]
        case .extend:
            return ["days": .optional(try args.int("days")), "reason": .string(try args.required("reason", "延期理由"))]
        case .startSpecialProcedure:
            return ["procedure": .string(try args.required("procedure", "特别程序：hearing|inspection|testing|expert_review…")),
                    "reason": .string(try args.required("reason", "原因"))]
        case .endSpecialProcedure:
            return ["result": .optional(try args.optional("result"))]
        case .transfer:
            return ["to": .string(try args.required("to", "转办目标节点代码")), "reason": .string(try args.required("reason", "转办原因"))]
        case .rehandle:
            return ["reason": .string(try args.required("reason", "责令重新办理的理由"))]
        case .updateContact:
            return ["phone": .optional(try args.optional("phone")), "address": .optional(try args.optional("address")),
                    "mailAddress": .optional(try args.optional("mail"))]
        }
    }
}
