import LiandongDomain

/// The notices given at the window: acceptance, one-time notice, refusal, supplement.
extension Sheet {
    /// 受理通知书（受理回执）: acceptance in writing, dated and sealed, with what was received and
    /// when the case is due (行政许可法 art. 32 para. 2; DESIGN §8).
    mutating func acceptanceNotice(_ view: CaseView) {
        let state = view.state
        issuer = name(of: state.acceptor)
        signedOn = state.acceptedOn
        subtitle = "（受理回执）"
        salutation(state.applicant)
        let tolerated = !state.toleratedMissing.isEmpty
        paragraph(
            "你（单位）于\(state.acceptedOn.chinese)提出的「\(state.item.name)」申请，"
                + (tolerated ? "主要申请材料齐全，按照本事项容缺受理的规定，" : "申请材料齐全、符合法定形式，")
                + "根据\(Sheet.basis(of: state.item))的规定，决定予以受理。")
        facts(applicantRows(state.applicant) + [
            ("申请事项", "\(state.item.name)（\(state.item.code)，\(state.item.type.chineseName)，\(state.item.kind.chineseName)）"),
            ("受理单位", issuer),
            ("受理人", state.acceptedBy),
            ("受理时间", PrintTime(epochMillis: state.acceptedAt).text),
            ("法定办结时限", Sheet.limitText(state.item.legalLimit)),
            ("承诺办结时限", Sheet.limitText(state.item.promisedLimit)),
            ("承诺办结日期", view.dueDate?.chinese ?? "即办件，当场办结"),
            ("结果领取方式", collection(state)),
        ])
        let received = state.item.materials.filter { state.materials.contains($0.id) }
        materials(received.map { ($0, $0.required ? "必要材料，已收取" : "已收取") }, caption: "已收取的申请材料")
        if tolerated {
            let owed = state.item.materials.filter { state.toleratedMissing.contains($0.id) }.map(\.name)
            paragraph("容缺受理，尚需补交：" + owed.joined(separator: "、") + "（详见一次性告知书）。材料补齐前不作出决定。")
        }
        paragraph("办理时限自受理之日的次日起计算，按工作日计的不含法定节假日（《中华人民共和国行政许可法》第八十二条）。"
            + "请妥善保管本通知书，凭办件编号和查询码可随时查询办理进度。")
    }

    /// 一次性告知书 for a case accepted under 容缺受理: the required materials still owed, all at once.
    mutating func oneTimeNotice(_ view: CaseView) {
        let state = view.state
        issuer = name(of: state.acceptor)
        signedOn = state.acceptedOn
        salutation(state.applicant)
        let owed = state.item.materials.filter { state.toleratedMissing.contains($0.id) }
        paragraph(
            "你（单位）于\(state.acceptedOn.chinese)提出的「\(state.item.name)」申请，申请材料不齐全。"
                + "根据\(oneTimeBasis(state.item))的规定，现将需要补正的全部材料一次性告知如下：")
        materials(owed.map { ($0, "必要材料，尚未提交") }, caption: "需要补正的全部材料（共 \(owed.count) 项）")
        paragraph("本件已按容缺受理的规定先行受理（办件编号 \(state.number)），请尽快将上述材料一次补齐，"
            + "提交至\(name(of: state.collectAt))。材料补齐前不作出决定。")
        facts(applicantRows(state.applicant) + [("申请事项", "\(state.item.name)（\(state.item.code)）"), ("告知单位", issuer)])
    }

    /// 一次性告知书 for an application turned away: every missing material at once; no case exists.
    mutating func oneTimeNotice(_ application: UnacceptedApplication) {
        let item = application.item
        issuer = name(of: application.issuedBy ?? request.node.code)
        signedOn = application.on
        salutation(application.applicant)
        let missing = application.owed
        paragraph(
            "你（单位）于\(application.on.chinese)申请办理的「\(item.name)」，申请材料不齐全，暂不予受理。"
                + "根据\(oneTimeBasis(item))的规定，现将需要补正的全部材料一次性告知如下：")
        materials(missing.map { ($0, "必要材料，尚未提交") }, caption: "需要补正的全部材料（共 \(missing.count) 项）")
        let handed = application.handedIn
        if let note = application.note { paragraph("说明：\(note)") }
        if !handed.isEmpty {
            paragraph("已查验的材料：" + handed.map(\.name).joined(separator: "、") + "。")
        }
        paragraph("请补齐上述全部材料后再次提交申请。本次未受理，不生成办件编号和查询码。")
        if item.toleratedMissing {
            paragraph("本事项可以容缺受理：主要材料齐全的，可以申请先行受理，其余材料限期补交。")
        }
        facts(applicantRows(application.applicant) + [("申请事项", "\(item.name)（\(item.code)）"), ("告知单位", issuer)])
    }

    /// 不予受理通知书: every reason, in writing, and the applicant's remedies (行政许可法 art. 32, 38).
    mutating func refusalNotice(_ view: CaseView) {
        let state = view.state
        issuer = name(of: state.acceptor)
        signedOn = state.acceptedOn
        salutation(state.applicant)
        paragraph(
            "你（单位）于\(state.acceptedOn.chinese)提出的「\(state.item.name)」申请，经审查，存在下列情形，"
                + "根据\(Sheet.basis(of: state.item))的规定，决定不予受理：")
        list(state.refusalReasons)
        facts(applicantRows(state.applicant) + [
            ("申请事项", "\(state.item.name)（\(state.item.code)）"),
            ("不予受理单位", issuer),
            ("经办人", state.acceptedBy),
        ])
        remedies(act: "不予受理决定")
    }

    /// 补正告知书: materials asked for after acceptance, listed at once, and whether the clock stops
    /// (a per-item setting: no national rule, DOMAIN.md).
    mutating func supplementNotice(_ view: CaseView) {
        let state = view.state
        guard let request = state.supplement else { return }
        issuer = name(of: request.requestedBy)
        signedOn = request.requestedOn
        salutation(state.applicant)
        paragraph(
            "你（单位）申请办理的「\(state.item.name)」已于\(state.acceptedOn.chinese)受理。经审查，需要补正下列材料，"
                + "现一次性告知如下（第 \(state.supplementRounds) 次补正）：")
        let rows: [(material: Material, note: String)] = request.materials.map { id in
            let material = state.item.materials.first { $0.id == id } ?? Material(id: id, name: id)
            return (material, request.received.contains(id) ? "已收到" : "待补正")
        }
        materials(rows, caption: "需要补正的全部材料（共 \(rows.count) 项）")
        if let note = request.note { paragraph("补正说明：\(note)") }
        paragraph(request.pausesClock
            ? "补正期间不计入办理时限，自补正材料齐全之日起继续计算。"
            : "按照本事项规定，补正期间办理时限继续计算，请尽快补正。")
        paragraph("请将补正材料提交至\(name(of: state.collectAt))。")
        facts(applicantRows(state.applicant) + [("补正告知单位", issuer), ("补正告知日期", request.requestedOn.chinese)])
    }

    // MARK: Shared rows

    func applicantRows(_ applicant: Applicant) -> [(String, String)] {
        var rows = [("申请人", applicant.name), (Sheet.idLabel(applicant), idNumber(applicant))]
        if !applicant.phone.isEmpty { rows.append(("联系电话", Masking.phone(applicant.phone))) }
        return rows
    }

    func collection(_ state: CaseState) -> String {
        switch state.deliveryPreference.method {
        case .collect: return "窗口领取：\(name(of: state.collectAt))"
        case .mail: return "邮寄送达：\(state.deliveryPreference.mailAddress ?? "")"
        }
    }

    /// One-time notice: 行政许可法 art. 32 para. 1 (4) for a licence; the one-time notice rule of the
    /// service centres (一次性告知制度, seeds 003) otherwise.
    func oneTimeBasis(_ item: ServiceItem) -> String {
        item.type == .administrativeLicense ? "《中华人民共和国行政许可法》第三十二条第一款第（四）项" : "一次性告知制度"
    }
}
