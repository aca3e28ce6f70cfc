import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    /// 受理: choose an item this node may accept, tick its materials, enter the applicant; then
    /// 受理 / 容缺受理 / 一次性告知 / 不予受理.
    func acceptPage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.accept, context)
        return try writer.with { store in
            let body = try acceptBody(context, store: store, form: context.form, error: nil)
            return try staffPage(context, store: store, title: "受理", active: "/accept", body: body)
        }
    }

    func acceptBody(_ context: WebContext, store: NodeStore, form: WebForm, error: String?, missing: [Material] = []) throws -> String {
        let role = store.identity.role
        let search = form["q"] ?? ""
        var body = ""
        if let error { body += "<div class=\"error\" role=\"alert\">\(HTML.esc(error))</div>" }
        guard let code = form["item"], let item = try store.item(code: code), item.canBeAccepted(at: role) else {
            let items = try store.items().filter { $0.canBeAccepted(at: role) }
                .filter { search.isEmpty || $0.name.contains(search) || $0.code.contains(search) }
            body += "<form method=\"get\" action=\"/accept\" class=\"panel\">" + HTML.field("q", "搜索事项", value: search, hint: "名称或编码")
                + "<button type=\"submit\">搜索</button></form>"
            body += "<table><tr><th>事项编码</th><th>事项名称</th><th>类型</th><th>办件类型</th><th>决定层级</th><th></th></tr>"
            for item in items {
                body += "<tr><td>\(HTML.esc(item.code))</td><td>\(HTML.esc(item.name))</td><td>\(item.type.chineseName)</td><td>\(item.kind.chineseName)</td>"
                    + "<td>\(item.decideAt.chineseName)</td><td><a href=\"/accept?item=\(HTML.q(item.code))\">选择 \(HTML.esc(item.name))</a></td></tr>"
            }
            if items.isEmpty { body += "<tr><td colspan=\"6\" class=\"muted\">没有本节点可受理的事项\(search.isEmpty ? "（事项目录尚未下发？）" : "")</td></tr>" }
            return body + "</table>"
        }
        let ticked = Set(form.all("material"))
        let token = try form["idem"] ?? Hex.encode(secureRandomBytes(16))
        body += "<div class=\"panel\"><strong>\(HTML.esc(item.name))</strong>（\(HTML.esc(item.code))）\(item.kind.chineseName)，\(item.decideAt.chineseName)决定；"
            + "承诺时限 \(item.promisedLimit.days) \(item.promisedLimit.unit == .working ? "个工作日" : "日")。<a href=\"/accept\">重新选择事项</a></div>"
        if !missing.isEmpty {
            body += "<div class=\"error\" role=\"alert\">缺少必交材料：" + missing.map { HTML.esc($0.name) }.joined(separator: "、")
                + "。可出具一次性告知书\(item.toleratedMissing ? "，或容缺受理" : "")。</div>"
        }
        body += "<form method=\"post\" action=\"/accept\" id=\"accept-form\">\(csrfField(context))\(HTML.hidden("item", item.code))\(HTML.hidden("idem", token))"
        body += "<div class=\"grid\"><fieldset class=\"panel materials\"><legend>申请材料（勾选已收取的）</legend>"
        for material in item.materials {
            let id = "m-" + material.id
            body += "<p class=\"field\"><input type=\"checkbox\" id=\"\(HTML.esc(id))\" name=\"material\" value=\"\(HTML.esc(material.id))\"\(ticked.contains(material.id) ? " checked" : "")>"
                + "<label for=\"\(HTML.esc(id))\">\(HTML.esc(material.name))</label>"
                + (material.required ? "<span class=\"required\">必交</span>" : "<span class=\"hint\">选交</span>")
                + "<span class=\"hint\">\(material.form.chineseName) \(material.copies) 份</span></p>"
        }
        body += "</fieldset><fieldset class=\"panel\"><legend>申请人</legend>"
            + HTML.field("applicantName", "申请人姓名", value: form["applicantName"] ?? "", extra: "required")
            + HTML.select("idType", "证件类型", options: [("resident_id", "居民身份证"), ("credit_code", "统一社会信用代码")], selected: form["idType"])
            + HTML.field("applicantId", "证件号码", value: form["applicantId"] ?? "", extra: "required autocomplete=\"off\"", hint: " ")
            + HTML.field("phone", "联系电话", value: form["phone"] ?? "", extra: "required")
            + HTML.field("address", "住址", value: form["address"] ?? "")
            + HTML.select("delivery", "取件方式", options: [("collect", "窗口领取"), ("mail", "邮寄送达")], selected: form["delivery"])
            + HTML.field("collectAt", "领取地点", value: form["collectAt"] ?? store.identity.code, hint: "节点代码，默认本节点")
            + HTML.field("mail", "邮寄地址", value: form["mail"] ?? "")
            + "</fieldset></div>"
        body += "<div class=\"panel\">" + HTML.textarea("reasons", "不予受理理由", value: form["reasons"] ?? "") + "<span class=\"hint\">每行一条；仅不予受理时填写</span></div>"
        body += "<p class=\"actions-bar\"><button type=\"submit\" name=\"do\" value=\"accept\">受理</button>"
        if item.toleratedMissing { body += "<button type=\"submit\" name=\"do\" value=\"tolerate\" class=\"secondary\">容缺受理</button>" }
        body += "<button type=\"submit\" name=\"do\" value=\"notice\" class=\"secondary\">一次性告知</button>"
            + "<button type=\"submit\" name=\"do\" value=\"refuse\" class=\"danger\" data-confirm=\"确定不予受理？\">不予受理</button></p></form>"
        return body
    }

    func acceptPost(_ context: WebContext) throws -> HTTPServerResponse {
        let form = context.form
        let verb = form["do"] ?? "accept"
        let permission: StaffPermission
        switch verb {
        case "accept", "tolerate": permission = .accept
        case "notice", "print-notice": permission = .oneTimeNotice
        case "refuse": permission = .refuse
        default: throw WebError.invalid("未知操作 \(verb)")
        }
        try require(permission, context, target: form["item"] ?? "")
        guard let code = form["item"] else { throw WebError.invalid("请先选择事项") }
        return try writer.with { store in
            guard let item = try store.item(code: code) else { throw WebError.invalid("事项目录中没有事项 \(code)") }
            guard item.canBeAccepted(at: store.identity.role) else { throw WebError.invalid("本节点（\(store.identity.role.chineseName)）不能受理事项 \(item.name)") }
            if let token = form["idem"], let made = try store.caseMade(byFormToken: token) {
                return redirect("/cases/\(HTML.q(made))")
            }
            let provided = Set(form.all("material"))
            let missing = item.missingMaterials(provided: provided)
            if verb == "print-notice" { return try printNotice(context, item: item, store: store) }
            if verb == "notice" {
                try audit(context, "case.one_time_notice", target: item.code, detail: missing.map(\.id).joined(separator: ","), store: store)
                return try staffPage(context, store: store, title: "一次性告知", active: "/accept",
                                     body: noticeBody(item: item, missing: missing, form: form, store: store, context: context))
            }
            let applicant = Applicant(name: form["applicantName"] ?? "", idType: Applicant.IDType(rawValue: form["idType"] ?? "") ?? .residentID,
                                      idNumber: (form["applicantId"] ?? "").uppercased(), phone: form["phone"] ?? "", address: form["address"])
            let mail = form["delivery"] == "mail" ? form["mail"] : nil
            if form["delivery"] == "mail", mail == nil {
                let body = try acceptBody(context, store: store, form: form, error: "选择邮寄送达时必须填写邮寄地址")
                return try staffPage(context, store: store, title: "受理", active: "/accept", body: body)
            }
            let reasons = form.lines("reasons")
            if verb == "refuse", reasons.isEmpty {
                let body = try acceptBody(context, store: store, form: form, error: "不予受理必须写明理由（每行一条）")
                return try staffPage(context, store: store, title: "受理", active: "/accept", body: body)
            }
            let request = AcceptRequest(itemCode: item.code, applicant: applicant, materials: Array(provided).sorted(), tolerateMissing: verb == "tolerate",
                                        delivery: DeliveryPreference(method: mail == nil ? .collect : .mail, mailAddress: mail),
                                        collectAt: form["collectAt"], actor: actor(context), refusalReasons: verb == "refuse" ? reasons : [])
            let state: CaseState
            do {
                state = try store.acceptCase(request)
            } catch CaseError.materialsMissing {
                try audit(context, "case.accept", target: item.code, outcome: "materials_missing", store: store)
                let body = try acceptBody(context, store: store, form: form, error: nil, missing: missing)
                return try staffPage(context, store: store, title: "受理", active: "/accept", body: body)
            } catch let error as StoreError {
                let body = try acceptBody(context, store: store, form: form, error: error.message)
                return try staffPage(context, store: store, title: "受理", active: "/accept", body: body)
            } catch let error as CaseError {
                let body = try acceptBody(context, store: store, form: form, error: error.message)
                return try staffPage(context, store: store, title: "受理", active: "/accept", body: body)
            }
            if let token = form["idem"] { try store.noteFormToken(token, caseNumber: state.number) }
            try audit(context, verb == "refuse" ? "case.refuse" : "case.accept", target: state.number, store: store)
            return redirect("/cases/\(HTML.q(state.number))?made=1")
        }
    }

    /// The one-time notice (一次性告知, 行政许可法 art. 32) on screen: every missing material at once.
    func noticeBody(item: ServiceItem, missing: [Material], form: WebForm, store: NodeStore, context: WebContext) throws -> String {
        let name = form["applicantName"] ?? ""
        var body = "<div class=\"panel\" id=\"one-time-notice\"><h2>一次性告知书</h2>"
            + "<p>\(HTML.esc(name.isEmpty ? "申请人" : name))：</p><p>您申请办理的「\(HTML.esc(item.name))」尚缺以下材料，现一次性告知如下：</p><ol>"
        for material in missing { body += "<li>\(HTML.esc(material.name))（\(material.form.chineseName) \(material.copies) 份）</li>" }
        if missing.isEmpty { body += "<li>所需必交材料均已齐全</li>" }
        body += "</ol><p>请补齐上述材料后再来办理。</p><p>\(HTML.esc(store.identity.name))　\(store.today.iso)</p></div>"
        // The printed notice (LiandongPrint) from the same checklist and applicant, in a new window; audited.
        body += "<form method=\"post\" action=\"/accept\" target=\"_blank\" class=\"noprint\">\(csrfField(context))\(HTML.hidden("item", item.code))"
        for name in ["applicantName", "idType", "applicantId", "phone", "address"] { body += HTML.hidden(name, form[name] ?? "") }
        for material in form.all("material") { body += HTML.hidden("material", material) }
        body += "<button type=\"submit\" name=\"do\" value=\"print-notice\">打印一次性告知书</button>"
            + " <a href=\"/accept?item=\(HTML.q(item.code))\">返回受理</a></form>"
        return body
    }
}
