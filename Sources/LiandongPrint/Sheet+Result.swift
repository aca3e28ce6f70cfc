import LiandongDomain

/// The documents of the outcome: the decision and the proof of its delivery.
extension Sheet {
    /// 准予/不予行政许可决定书 (行政许可法 art. 38, 39, 44), or 办理结果通知书 for another item: the
    /// decision, its legal basis, the result and its validity; a denial with every reason and the remedies.
    mutating func decision(_ view: CaseView) {
        let state = view.state
        guard let decision = state.decision else { return }
        issuer = name(of: decision.by)
        signedOn = decision.on
        let licence = state.item.type == .administrativeLicense
        let basis = state.item.legalBasis ?? (licence ? "《中华人民共和国行政许可法》" : "政务服务有关规定")
        salutation(state.applicant)
        if decision.approved {
            paragraph(
                "你（单位）于\(state.acceptedOn.chinese)提出的「\(state.item.name)」申请（办件编号 \(state.number)），"
                    + "经审查，符合法定条件、标准。根据\(basis)的规定，决定" + (licence ? "准予行政许可。" : "准予办理。"))
            let result = state.result
            var rows = applicantRows(state.applicant) + [
                ("决定", licence ? "准予行政许可" : "准予办理"),
                ("法律依据", basis),
                ("结果名称", result?.name ?? state.item.resultName ?? "\(state.item.name)结果"),
                ("结果文号", result?.number ?? "出件时编号"),
                ("有效期", result?.validUntil.map { "至\($0.chinese)" } ?? "以结果文书载明为准"),
            ]
            if let opinion = decision.opinion { rows.append(("审批意见", opinion)) }
            rows.append(("领取方式", collection(state)))
            facts(rows)
            paragraph(licence
                ? "根据《中华人民共和国行政许可法》第四十四条，本机关自作出本决定之日起十日内向你（单位）颁发、送达行政许可证件。"
                : "办理结果将按你选择的方式送达。")
        } else {
            paragraph(
                "你（单位）于\(state.acceptedOn.chinese)提出的「\(state.item.name)」申请（办件编号 \(state.number)），"
                    + "经审查，存在下列情形，根据\(basis)的规定，决定" + (licence ? "不予行政许可" : "不予办理") + "。理由如下：")
            list(decision.reasons)
            var rows = applicantRows(state.applicant) + [("决定", licence ? "不予行政许可" : "不予办理"), ("法律依据", basis)]
            if let opinion = decision.opinion { rows.append(("审批意见", opinion)) }
            facts(rows)
            remedies(act: "决定")
        }
    }

    /// 送达回证: what was delivered, to whom, where, how and when, with space for the recipient's
    /// signature and date (the service-receipt practice of 民事诉讼法, followed by administrative organs).
    /// The copy stays in the file: the ID number is masked.
    mutating func deliveryReceipt(_ view: CaseView) {
        let state = view.state
        guard let result = state.result else { return }
        let delivery = state.delivery
        issuer = name(of: delivery?.by ?? result.issuedBy)
        signedOn = delivery?.on
        let decisionTitle = PrintedDocumentKind.decision.title(for: state)
        let method: String
        switch (delivery?.method, state.deliveryPreference.method) {
        case (.collected?, _): method = "直接送达（窗口领取）"
        case (.mailed?, _): method = "邮寄送达，运单号 \(delivery?.trackingNumber ?? "")"
        case (nil, .mail): method = "邮寄送达（待寄出）"
        case (nil, .collect): method = "直接送达（窗口领取，待领取）"
        }
        let place = delivery?.method == .mailed || (delivery == nil && state.deliveryPreference.method == .mail)
            ? state.deliveryPreference.mailAddress ?? "" : name(of: state.collectAt)
        facts([
            // An approval delivers the result (a licence, a certificate) and the decision; a denial's result is the decision.
            ("送达文书", "\(result.name)" + (result.number.map { "（\($0)）" } ?? "") + (state.decision?.approved == true ? "；\(decisionTitle)" : "")),
            ("受送达人", state.applicant.name),
            (Sheet.idLabel(state.applicant), idNumber(state.applicant)),
            ("送达地点", place),
            ("送达方式", method),
            ("送达单位", issuer),
            ("送达日期", delivery?.on.chinese ?? "　　　　年　　月　　日"),
        ])
        signatureBox("受送达人签名（盖章）及签收日期")
        signatureBox("代收人签名及代收理由")
        signatureBox("送达人签名")
        paragraph("受送达人应当在本回证上记明收到日期，签名或者盖章；拒绝签收的，送达人在备注栏注明情况及日期。", cssClass: "note")
        paragraph("备注：", cssClass: "remark")
    }
}
