extension CaseReducer {
    /// The special procedures that stop the clock (行政许可法 art. 45).
    public static let specialProcedures: [String: String] = [
        "hearing": "听证", "tendering": "招标", "auction": "拍卖", "inspection": "检验", "testing": "检测",
        "quarantine": "检疫", "appraisal": "鉴定", "expert_review": "专家评审", "site_inspection": "现场勘查",
    ]

    /// Applies an allowed, authorized action to the state and returns the step's summary for the timeline.
    static func transition(_ state: inout CaseState, action: CaseAction, change: Change, payload: PayloadReader) throws -> String {
        let day = change.wallDate
        switch action {
        case .accept, .refuse:
            throw CaseError.caseExists(state.number)

        case .requestSupplement:
            let wanted = try payload.strings("materials")
            guard !wanted.isEmpty else { throw payload.fail("materials", "补正告知必须一次列明全部材料") }
            let known = Set(state.item.materials.map(\.id))
            if let bad = wanted.first(where: { !known.contains($0) }) { throw payload.fail("materials", "事项没有材料 \(bad)") }
            let pauses = state.item.supplementPausesClock
            state.supplement = SupplementRequest(
                requestedBy: change.origin, requestedOn: day, materials: wanted, received: [], note: try payload.optionalString("note"),
                resumeStatus: state.status, pausesClock: pauses)
            if pauses { state.pauses.append(ClockPauseRecord(reason: .supplement, procedure: nil, note: nil, from: day, to: nil)) }
            state.supplementRounds += 1
            state.status = .awaitingSupplement
            try noteDocument(&state, .supplement, change: change, payload: payload, rights: nil)
            return "补正告知：" + materialNames(wanted, in: state.item).joined(separator: "、")

        case .recordSupplement:
            let received = try payload.strings("materials")
            guard !received.isEmpty else { throw payload.fail("materials", "没有收到任何材料") }
            let known = Set(state.item.materials.map(\.id))
            if let bad = received.first(where: { !known.contains($0) }) { throw payload.fail("materials", "事项没有材料 \(bad)") }
            state.materials.formUnion(received)
            guard var request = state.supplement else { return "补正材料" }
            request.received = Array(Set(request.received).union(received)).sorted()
            state.supplement = request
            let outstanding = request.materials.filter { !request.received.contains($0) }
            if outstanding.isEmpty {
                state.status = request.resumeStatus
                state.supplement = nil
                closePause(&state.pauses, reason: .supplement, on: day)
                return "补正材料齐全：" + materialNames(received, in: state.item).joined(separator: "、")
            }
            return "收到部分补正材料，仍缺：" + materialNames(outstanding, in: state.item).joined(separator: "、")

        case .review:
            let opinion = try payload.optionalString("opinion")
            if change.origin == state.decider {
                state.status = .underReview
                return "审查" + (opinion.map { "：\($0)" } ?? "")
            }
            state.status = .preliminaryReview
            return "初审" + (opinion.map { "：\($0)" } ?? "")

        case .forward:
            guard change.origin != state.decider, let parent = NodeCode.parent(of: change.origin) else {
                throw CaseError.notAuthorized(action: action, origin: change.origin, reason: "办件已在决定节点，无需上报")
            }
            if let to = try payload.optionalString("to"), to != parent {
                throw payload.fail("to", "只能上报至上一级节点 \(parent)")
            }
            state.holder = parent
            state.parties = addingParties(state.parties, [parent])
            state.status = .forwarded
            return "上报至 \(parent)" + ((try payload.optionalString("opinion")).map { "：\($0)" } ?? "")

        case .approve, .deny:
            guard state.holder == state.decider else {
                throw CaseError.notAuthorized(action: action, origin: change.origin, reason: "办件尚未上报至决定节点（当前在 \(state.holder)）")
            }
            if state.pauses.contains(where: { $0.reason == .specialProcedure && $0.to == nil }) { throw CaseError.specialProcedureOpen }
            let reasons = try payload.strings("reasons")
            if action == .deny, reasons.isEmpty { throw payload.fail("reasons", "不予许可必须说明理由") }
            let opinion = try payload.optionalString("opinion")
            state.decision = Decision(approved: action == .approve, by: change.origin, actor: change.actor, on: day, opinion: opinion, reasons: reasons)
            state.status = action == .approve ? .approved : .denied
            try noteDocument(&state, .decision, change: change, payload: payload, rights: action == .deny ? .statutory : nil)
            if action == .deny {
                state.negatives.append(NegativeRecord(kind: .denial, by: change.origin, actor: change.actor, on: day, reasons: reasons,
                                                      documentNumber: state.document(.decision)?.number))
            }
            return action == .approve ? "准予" + (opinion.map { "：\($0)" } ?? "") : "不予许可：" + reasons.joined(separator: "；")

        case .issue:
            let name = try payload.optionalString("documentName")
                ?? (state.decision?.approved == false ? "不予许可决定书" : state.item.resultName ?? "\(state.item.name)结果")
            var validUntil: LocalDate?
            if let text = try payload.optionalString("validUntil") {
                guard let date = LocalDate(iso: text) else { throw payload.fail("validUntil", "日期格式应为 YYYY-MM-DD") }
                validUntil = date
            }
            let number = try payload.optionalString("documentNumber")
            if let file = payload.json["file"], !file.isNull {
                let attachment = try Attachment.read(PayloadReader(file, field: "payload.file"), purpose: .result, material: nil,
                                                     change: change, caseBytes: state.attachmentBytes)
                addAttachment(&state, attachment)
            }
            state.result = ResultDocument(name: name, number: number, validUntil: validUntil, issuedBy: change.origin, issuedOn: day)
            state.status = .resultReady
            return "出件：\(name)" + (number.map { "（\($0)）" } ?? "")

        case .deliver:
            let method = try payload.enumValue("method", Delivery.Method.self)
            let tracking = try payload.optionalString("trackingNumber")
            if method == .mailed, tracking == nil { throw payload.fail("trackingNumber", "邮寄送达必须填写运单号") }
            state.delivery = Delivery(method: method, trackingNumber: tracking, by: change.origin, on: day)
            state.status = .delivered
            return method == .mailed ? "邮寄送达，运单号 \(tracking ?? "")" : "窗口领取"

        case .evaluate:
            guard state.evaluation == nil else {
                throw CaseError.transitionNotAllowed(action: action, status: state.status, allowed: [.closeFollowUp])
            }
            let code = try payload.int("level")
            guard let level = EvaluationLevel(rawValue: Int(code)) else { throw payload.fail("level", "评价等级应为 1（非常满意）至 5（非常不满意）") }
            let isDefault = try payload.bool("default", default: false)
            var followUp: FollowUp?
            if level.isPoor {
                let days = Int(try payload.optionalInt("followUpDays") ?? 5)
                guard (1...60).contains(days) else { throw payload.fail("followUpDays", "回访整改期限应为 1 至 60 个工作日") }
                followUp = FollowUp(openedOn: day, workingDays: days, closedOn: nil, result: nil)
            }
            state.evaluation = Evaluation(level: level, comment: try payload.optionalString("comment"), on: day, isDefault: isDefault, followUp: followUp)
            return (isDefault ? "默认评价：" : "评价：") + level.chineseName + (followUp != nil ? "，启动回访整改" : "")

        case .closeFollowUp:
            guard var evaluation = state.evaluation, var followUp = evaluation.followUp, followUp.closedOn == nil else {
                throw CaseError.noFollowUp
            }
            let result = try payload.string("result")
            followUp.closedOn = day
            followUp.result = result
            evaluation.followUp = followUp
            state.evaluation = evaluation
            return "回访整改完成：\(result)"

        case .withdraw:
            let reason = try payload.string("reason")
            state.withdrawal = Withdrawal(reason: reason, by: change.origin, on: day)
            state.status = .withdrawn
            state.supplement = nil
            closePause(&state.pauses, reason: nil, on: day)
            return "撤回：\(reason)"

        case .extend:
            guard state.timeExtension == nil else { throw CaseError.alreadyExtended }
            // 行政许可法 art. 42: once, at most 10 working days (15 for joint handling), with the reason.
            let limit = state.item.maxExtensionDays
            let days = Int(try payload.optionalInt("days") ?? Int64(limit))
            guard (1...limit).contains(days) else {
                throw payload.fail("days", "延期最多 \(limit) 个工作日（行政许可法第四十二条\(state.item.jointHandling ? "，联合办理" : "")），收到 \(days)")
            }
            let reason = try payload.string("reason")
            state.timeExtension = Extension(workingDays: days, reason: reason, by: change.origin, on: day)
            return "延期 \(days) 个工作日：\(reason)"

        case .startSpecialProcedure:
            if state.pauses.contains(where: { $0.reason == .specialProcedure && $0.to == nil }) { throw CaseError.specialProcedureOpen }
            let procedure = try payload.string("procedure")
            guard let name = specialProcedures[procedure] else {
                throw payload.fail("procedure", "未知的特别程序，可选：" + specialProcedures.keys.sorted().joined(separator: ", "))
            }
            let reason = try payload.string("reason")
            state.pauses.append(ClockPauseRecord(reason: .specialProcedure, procedure: procedure, note: reason, from: day, to: nil))
            return "特别程序（\(name)）开始：\(reason)"

        case .endSpecialProcedure:
            guard state.pauses.contains(where: { $0.reason == .specialProcedure && $0.to == nil }) else { throw CaseError.noSpecialProcedure }
            closePause(&state.pauses, reason: .specialProcedure, on: day)
            return "特别程序结束" + ((try payload.optionalString("result")).map { "：\($0)" } ?? "")

        case .transfer:
            let target = try payload.string("to")
            guard let role = NodeCode.role(of: target), target != state.holder else { throw payload.fail("to", "\(target) 不是可转办的节点") }
            if let problem = transferProblem(to: target, role: role, state: state) { throw payload.fail("to", problem) }
            let reason = try payload.string("reason")
            state.holder = target
            if role == state.item.decideAt { state.decider = target }
            state.parties = addingParties(state.parties, [target, state.decider])
            return "转办至 \(target)：\(reason)"

        case .rehandle:
            let from = state.status
            if from == .resultReady, state.decision?.approved != false {
                throw CaseError.transitionNotAllowed(action: action, status: from, allowed: CaseAction.allowed(for: state))
            }
            let reason = try payload.string("reason")
            // It reopens where it was refused or denied: the accepting node, or the node that decided.
            let at = from == .refused ? state.acceptor : (state.decision?.by ?? state.decider)
            state.rehandlings.append(Rehandling(reason: reason, by: change.origin, actor: change.actor, on: day, at: at, from: from))
            state.holder = at
            state.parties = addingParties(state.parties, [at])
            state.status = from == .refused ? .accepted : (at == state.decider ? .underReview : .accepted)
            state.decision = nil
            state.result = nil
            return "责令重新办理，由 \(at) 重新办理：\(reason)"

        case .attach:
            let material = try payload.string("material")
            guard let named = state.item.materials.first(where: { $0.id == material }) else { throw payload.fail("material", "事项没有材料 \(material)") }
            let attachment = try Attachment.read(payload, purpose: .material, material: material, change: change, caseBytes: state.attachmentBytes)
            addAttachment(&state, attachment)
            return "上传材料：\(named.name)（\(attachment.fileName)，\(AttachmentLimits.describe(attachment.size))）"

        case .updateContact:
            let phone = try payload.optionalString("phone")
            let address = try payload.optionalString("address")
            let mailAddress = try payload.optionalString("mailAddress")
            guard phone != nil || address != nil || mailAddress != nil else { throw payload.fail("phone", "没有要修改的字段") }
            if let phone { state.applicant.phone = phone }
            if let address { state.applicant.address = address }
            if let mailAddress { state.deliveryPreference = DeliveryPreference(method: .mail, mailAddress: mailAddress) }
            state.contactStamp = Stamp(hlc: change.hlc, origin: change.origin)
            return "修改联系方式"
        }
    }

    /// Why a case may not be transferred to `target` at its current step, judged on the case alone
    /// (the registry is checked where the transfer is made): the target must be in the case's county
    /// and at a tier that handles the item at this step — a tier that accepts it while it waits to be
    /// forwarded or reviewed, or the deciding tier.
    public static func transferProblem(to target: String, role: Role, state: CaseState) -> String? {
        let county = NodeCode.path(to: state.acceptor).first ?? state.acceptor
        guard NodeCode.isAncestorOrSelf(county, of: target) else { return "\(target) 不在本县（\(county)）辖区内，不能转办" }
        let decides = role == state.item.decideAt
        let holdsBeforeForwarding = state.item.acceptAt.contains(role) && [.accepted, .preliminaryReview].contains(state.status)
        if !decides && !holdsBeforeForwarding {
            return "\(role.chineseName)节点 \(target) 不能在「\(state.status.chineseName)」环节办理事项「\(state.item.name)」"
                + "（由\(state.item.decideAt.chineseName)决定）"
        }
        return nil
    }

    /// Adds the document a change issued, when it carries a number (changes recorded before
    /// numbers existed carry none); a number that is not the origin's own is refused.
    static func noteDocument(_ state: inout CaseState, _ kind: DocumentKind, change: Change, payload: PayloadReader, rights: AppealRights?) throws {
        guard let text = try payload.optionalString("documentNumber") else { return }
        _ = try DocumentNumber.check(text, change: change, kind: kind)
        state.documents.append(CaseDocument(kind: kind, number: text, issuedBy: change.origin, issuedOn: change.wallDate, changeKind: change.kind, rights: rights))
    }

    /// Adds a file unless the same file is already there for the same purpose and material.
    static func addAttachment(_ state: inout CaseState, _ file: Attachment) {
        guard !state.attachments.contains(where: { $0.sha256 == file.sha256 && $0.purpose == file.purpose && $0.material == file.material }) else { return }
        state.attachments.append(file)
    }

    static func closePause(_ pauses: inout [ClockPauseRecord], reason: ClockPauseRecord.Reason?, on day: LocalDate) {
        for index in pauses.indices where pauses[index].to == nil && (reason == nil || pauses[index].reason == reason) {
            pauses[index].to = day
        }
    }

    static func materialNames(_ ids: [String], in item: ServiceItem) -> [String] {
        ids.map { id in item.materials.first(where: { $0.id == id })?.name ?? id }
    }
}
