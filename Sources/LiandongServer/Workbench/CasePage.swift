import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    /// 办件详情: the case, its clock, timeline (who, node, when, opinion), conflicts, and the actions
    /// its state, this node's authority and the staff member's roles allow, each with its fields.
    func casePage(_ context: WebContext, number: String) throws -> HTTPServerResponse {
        try require(.viewCase, context, target: number)
        let unmask = context.form["unmask"] == "1"
        if unmask { try require(.viewUnmasked, context, target: number) }
        return try writer.with { store in
            guard try store.caseState(number) != nil else { throw WebError.notFound(number) }
            let view = try store.caseView(number)
            if unmask { try audit(context, "view.unmasked", target: number, store: store) }
            let body = try caseBody(context, view: view, unmask: unmask, store: store)
            return try staffPage(context, store: store, title: "办件 \(number)", active: "", body: body, live: true)
        }
    }

    func caseBody(_ context: WebContext, view: CaseView, unmask: Bool, store: NodeStore, error: String? = nil) throws -> String {
        let state = view.state
        var body = ""
        if let error { body += "<div class=\"error\" role=\"alert\">\(HTML.esc(error))</div>" }
        if context.form["made"] == "1" { body += "<div class=\"notice\">已受理，办件编号 \(HTML.esc(state.number))，查询码 \(HTML.esc(state.queryCode))</div>" }
        let applicant = state.applicant
        let idText = unmask ? applicant.idNumber : Masking.idNumber(applicant.idNumber)
        let phoneText = unmask ? applicant.phone : Masking.phone(applicant.phone)
        var clock = view.clock.immediate ? "即办件" : "承诺办结 \(view.dueDate?.iso ?? "—")，法定时限 \(view.legalDueDate.iso)"
        if view.clock.isPaused { clock += "（计时暂停）" }
        if let ext = state.timeExtension { clock += "；已延期 \(ext.workingDays) 个工作日：\(HTML.esc(ext.reason))" }
        let rows: [(String, String)] = [
            ("办件编号", HTML.esc(state.number)), ("查询码", HTML.esc(state.queryCode)), ("事项", HTML.esc("\(state.item.name)（\(state.item.code)）")),
            ("当前状态", "<strong id=\"case-status\">\(state.status.chineseName)</strong>"),
            ("时限", HTML.light(view.deadlineStatus, completed: !state.status.isOpen) + " " + clock),
            ("申请人", "<span id=\"applicant-name\">\(HTML.esc(applicant.name))</span>"),
            ("证件号码", HTML.esc(idText) + (unmask || !context.can(.viewUnmasked) ? "" : " <a href=\"/cases/\(HTML.q(state.number))?unmask=1\">查看完整号码</a>")),
            ("联系电话", HTML.esc(phoneText)), ("住址", HTML.esc(applicant.address ?? "")),
            ("受理", HTML.esc("\(nodeName(state.acceptor, store: store)) \(state.acceptedBy) \(HTML.time(state.acceptedAt))")),
            ("当前所在", HTML.esc(nodeName(state.holder, store: store))), ("决定机关", HTML.esc(nodeName(state.decider, store: store))),
            ("取件", state.deliveryPreference.method == .mail ? "邮寄：" + HTML.esc(state.deliveryPreference.mailAddress ?? "") : "窗口领取：" + HTML.esc(nodeName(state.collectAt, store: store))),
        ]
        body += "<div class=\"grid\"><table class=\"panel\" id=\"case-facts\">" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>"
        body += "<table class=\"panel\" id=\"materials\"><tr><th>材料</th><th>收取</th></tr>"
        for material in state.item.materials {
            let have = state.materials.contains(material.id)
            body += "<tr><td>\(HTML.esc(material.name))\(material.required ? "<span class=\"required\">必交</span>" : "")</td><td>\(have ? "已收" : "未收")</td></tr>"
        }
        if let supplement = state.supplement {
            body += "<tr><th colspan=\"2\">补正中：" + supplement.materials.map(HTML.esc).joined(separator: "、") + "</th></tr>"
        }
        if let decision = state.decision {
            body += "<tr><th>决定</th><td id=\"decision\">\(decision.approved ? "准予" : "不予许可") · \(HTML.esc(decision.actor)) · \(decision.on.iso)"
                + (decision.opinion.map { " · " + HTML.esc($0) } ?? "") + decision.reasons.map { "<br>" + HTML.esc($0) }.joined() + "</td></tr>"
        }
        if let result = state.result { body += "<tr><th>结果文书</th><td>\(HTML.esc(result.name)) \(HTML.esc(result.number ?? ""))</td></tr>" }
        if let evaluation = state.evaluation { body += "<tr><th>评价</th><td>\(evaluation.level.chineseName)</td></tr>" }
        body += "</table></div>"
        body += attachmentsPanel(state, store: store) + attachForm(context, state: state)

        body += "<h2>办理过程</h2><table id=\"timeline\"><tr><th>时间</th><th>节点</th><th>经办人</th><th>环节与意见</th></tr>"
        for step in state.timeline {
            body += "<tr><td>\(HTML.time(step.wall))</td><td>\(HTML.esc(nodeName(step.origin, store: store)))</td><td>\(HTML.esc(step.actor))</td><td>\(HTML.esc(step.summary))</td></tr>"
        }
        body += "</table>"
        let conflicts = try store.conflicts(ofCase: state.number)
        if !conflicts.isEmpty {
            body += "<h2>冲突</h2><table><tr><th>编号</th><th>规则</th><th>状态</th></tr>"
            for conflict in conflicts {
                body += "<tr><td><a href=\"/conflicts#\(HTML.esc(conflict.id))\">\(HTML.esc(conflict.id))</a></td><td>\(HTML.esc(conflict.rule))</td><td>\(conflict.isResolved ? "已处理" : "待处理")</td></tr>"
            }
            body += "</table>"
        }
        let actions = StaffPermission.caseActions(for: context.session.member.roles, in: state.status)
            .filter { (try? CaseReducer.authorize($0, origin: store.identity.code, state: state)) != nil }
            .filter { $0 != .closeFollowUp || (state.evaluation?.followUp.map { $0.closedOn == nil } ?? false) }
            .filter { $0 != .endSpecialProcedure || state.pauses.contains { $0.reason == .specialProcedure && $0.to == nil } }
            .filter { $0 != .evaluate || state.evaluation == nil }
        body += "<h2>办理</h2><div class=\"actions panel\" id=\"actions\">"
        for action in actions {
            let danger = action == .deny || action == .withdraw
            body += "<form method=\"post\" action=\"/cases/\(HTML.q(state.number))/act\">\(csrfField(context))"
                + CaseForms.fields(action, state: state)
                + "<button type=\"submit\" name=\"action\" value=\"\(action.verb)\"\(danger ? " class=\"danger\" data-confirm=\"确定\(action.chineseName)？\"" : "")>\(action.chineseName)</button></form>"
        }
        if actions.isEmpty { body += "<p class=\"muted\">本节点、您的岗位在当前状态下没有可办理的操作。</p>" }
        return body + "</div>" + printButtons(context, state: state)
    }

    /// `POST /cases/{number}/act`: the role is checked against the permission table first (a
    /// forged POST from a clerk is refused 403 and audited), then the state machine and the
    /// node's authority (the store refuses and writes nothing).
    func caseAction(_ context: WebContext, number: String) throws -> HTTPServerResponse {
        guard let verb = context.form["action"], let action = CaseAction.allCases.first(where: { $0.verb == verb }), action != .accept, action != .refuse else {
            throw WebError.invalid("未知的办理操作")
        }
        try require(StaffPermission(action), context, target: number)
        let payload = try CaseForms.payload(action, context.form)
        return try writer.with { store in
            guard try store.caseState(number) != nil else { throw WebError.notFound(number) }
            do {
                try store.act(on: number, action, payload: payload, actor: actor(context))
            } catch let error as CaseError {
                try audit(context, StaffPermission(action).rawValue, target: number, outcome: "refused", detail: error.code, store: store)
                let view = try store.caseView(number)
                return try staffPage(context, store: store, title: "办件 \(number)", active: "", body: caseBody(context, view: view, unmask: false, store: store, error: error.message), live: true)
            }
            try audit(context, StaffPermission(action).rawValue, target: number, store: store)
            return redirect("/cases/\(HTML.q(number))")
        }
    }
}

extension Workbench {
    /// The files the case carries; one not yet at this node shows "材料传输中" and how much has arrived.
    func attachmentsPanel(_ state: CaseState, store: NodeStore) -> String {
        guard !state.attachments.isEmpty else { return "" }
        var body = "<h2>附件</h2><table id=\"attachments\"><tr><th>材料</th><th>文件</th><th>类型</th><th>大小</th><th>上传</th><th>状态</th></tr>"
        for file in state.attachments {
            let what = file.purpose == .result ? "结果文书" : (state.item.materials.first { $0.id == file.material }?.name ?? file.material ?? "")
            let present = store.blobs.has(file.sha256)
            let link = "/cases/\(HTML.q(state.number))/files/\(file.sha256)"
            var status = present ? "<a href=\"\(link)\" target=\"_blank\" rel=\"noopener\">查看</a>" : "材料传输中（\(AttachmentLimits.describe(store.blobs.held(file.sha256))) / \(AttachmentLimits.describe(file.size))）"
            // Each page inline: images as pictures, PDF embedded; OFD has no viewer in the browser and is downloaded.
            if present, file.mediaType == .jpeg || file.mediaType == .png {
                status += "<br><img class=\"page\" src=\"\(link)\" alt=\"\(HTML.esc(file.fileName))\" loading=\"lazy\">"
            } else if present, file.mediaType == .pdf {
                status += "<br><iframe class=\"page\" src=\"\(link)\" title=\"\(HTML.esc(file.fileName))\" loading=\"lazy\"></iframe>"
            }
            body += "<tr><td>\(HTML.esc(what))</td><td>\(HTML.esc(file.fileName))</td><td>\(file.mediaType.chineseName)</td><td>\(AttachmentLimits.describe(file.size))</td>"
                + "<td>\(HTML.esc(nodeName(file.by, store: store))) \(file.on.iso)</td><td class=\"blob blob-\(present ? "present" : "transit")\">\(status)</td></tr>"
        }
        return body + "</table>"
    }
}
