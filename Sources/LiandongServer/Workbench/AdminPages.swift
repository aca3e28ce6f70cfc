import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    /// 管理: staff, the catalog and calendar (the county imports; others read), nodes (enrol a child
    /// with its one-time token and exact command; revoke).
    func adminPage(_ context: WebContext, message: String? = nil, token: String? = nil) throws -> HTTPServerResponse {
        try require(.manageStaff, context)
        return try writer.with { store in
            var body = ""
            if let message { body += "<div class=\"notice\" role=\"status\">\(HTML.esc(message))</div>" }
            if let token { body += "<div class=\"token\" id=\"enrol-command\">\(HTML.esc(token))</div>" }
            body += "<h2>工作人员</h2><table id=\"staff\"><tr><th>登录名</th><th>姓名</th><th>岗位</th><th>状态</th><th>操作</th></tr>"
            for member in try store.staffMembers() {
                let state = member.disabled ? "已停用" : member.mustChangePassword ? "待改密码" : "正常"
                body += "<tr><td>\(HTML.esc(member.login))</td><td>\(HTML.esc(member.name))</td><td>\(HTML.esc(member.rolesText))</td><td>\(state)</td><td>"
                if member.login != context.session.member.login {
                    body += "<form method=\"post\" action=\"/admin/staff-state\">\(csrfField(context))\(HTML.hidden("login", member.login))"
                        + "<button type=\"submit\" name=\"do\" value=\"\(member.disabled ? "enable" : "disable")\" class=\"secondary\" aria-label=\"\(member.disabled ? "启用" : "停用") \(HTML.esc(member.login))\">\(member.disabled ? "启用" : "停用")</button>"
                        + "<button type=\"submit\" name=\"do\" value=\"reset\" class=\"secondary\" aria-label=\"重置密码 \(HTML.esc(member.login))\">重置密码</button></form>"
                    // Roles are changed by another administrator, never by oneself.
                    body += "<form method=\"post\" action=\"/admin/staff-roles\" class=\"roles\">\(csrfField(context))\(HTML.hidden("login", member.login))"
                    for role in StaffRole.allCases {
                        let id = "roles-\(HTML.esc(member.login))-\(role.rawValue)"
                        body += "<input type=\"checkbox\" id=\"\(id)\" name=\"role\" value=\"\(role.rawValue)\"\(member.roles.contains(role) ? " checked" : "")>"
                            + "<label for=\"\(id)\">\(role.chineseName)</label>"
                    }
                    body += "<button type=\"submit\" class=\"secondary\" aria-label=\"保存岗位 \(HTML.esc(member.login))\">保存岗位</button></form>"
                }
                body += "</td></tr>"
            }
            body += "</table><form method=\"post\" action=\"/admin/staff-add\" class=\"panel\">\(csrfField(context))<strong>添加工作人员</strong>"
                + HTML.field("new-login", "登录名", name: "login", extra: "required") + HTML.field("new-name", "姓名", name: "name", extra: "required")
                + "<p class=\"field\"><span>岗位</span>"
            for role in StaffRole.allCases {
                body += "<input type=\"checkbox\" id=\"role-\(role.rawValue)\" name=\"role\" value=\"\(role.rawValue)\"><label for=\"role-\(role.rawValue)\">\(role.chineseName)</label>"
            }
            body += "</p><button type=\"submit\">添加</button></form>"

            let county = store.identity.role == .county
            body += "<h2>事项目录</h2><table id=\"catalog\"><tr><th>编码</th><th>名称</th><th>版本</th><th>受理层级</th><th>决定层级</th><th>容缺</th></tr>"
            for item in try store.items() {
                body += "<tr><td>\(HTML.esc(item.code))</td><td>\(HTML.esc(item.name))</td><td>\(item.version)</td><td>\(item.acceptAt.map(\.chineseName).joined(separator: "、"))</td>"
                    + "<td>\(item.decideAt.chineseName)</td><td>\(item.toleratedMissing ? "可" : "否")</td></tr>"
            }
            body += "</table>"
            body += "<h2>工作日历</h2><p>" + (try store.calendarYears()).map { "\($0.year) 年：节假日 \($0.holidays.count) 天，调休上班 \($0.workdays.count) 天" }.joined(separator: "；") + "</p>"
            if county {
                body += "<form method=\"post\" action=\"/admin/catalog\" class=\"panel\">\(csrfField(context))"
                    + HTML.textarea("catalog-json", "事项目录 JSON") + "<button type=\"submit\">发布事项目录</button></form>"
                    + "<form method=\"post\" action=\"/admin/calendar\" class=\"panel\">\(csrfField(context))"
                    + HTML.textarea("calendar-json", "工作日历 JSON") + "<button type=\"submit\">设置工作日历</button></form>"
            } else {
                body += "<p class=\"muted\">事项目录与工作日历由县政务服务中心发布，本节点只读。</p>"
            }
            if store.identity.role != .village {
                body += "<h2>下级节点</h2><table id=\"nodes\"><tr><th>代码</th><th>名称</th><th>级别</th><th>状态</th><th>操作</th></tr>"
                for entry in try store.registry() where NodeCode.isBelow(entry.code, store.identity.code) {
                    body += "<tr><td>\(HTML.esc(entry.code))</td><td>\(HTML.esc(entry.name))</td><td>\(entry.role.chineseName)</td><td>\(entry.isRevoked ? "已撤销" : "正常")</td><td>"
                    if !entry.isRevoked {
                        body += "<form method=\"post\" action=\"/admin/revoke\">\(csrfField(context))\(HTML.hidden("code", entry.code))"
                            + HTML.field("reason-\(entry.code)", "撤销原因", name: "reason", extra: "required")
                            + "<button type=\"submit\" class=\"danger\" data-confirm=\"撤销后该节点的请求将被拒绝，确定？\">撤销</button></form>"
                    }
                    body += "</td></tr>"
                }
                let childRole: Role = store.identity.role == .county ? .township : .village
                body += "</table><form method=\"post\" action=\"/admin/enrol\" class=\"panel\">\(csrfField(context))<strong>加入下级节点</strong>"
                    + HTML.field("child-code", "下级区划代码", name: "code", extra: "required") + HTML.field("child-name", "下级节点名称", name: "name", extra: "required")
                    + HTML.select("child-role", "下级级别", options: [(childRole.rawValue, childRole.chineseName)])
                    + "<button type=\"submit\">签发加入口令</button></form>"
            }
            return try staffPage(context, store: store, title: "管理", active: "/admin", body: body)
        }
    }

    func adminPost(_ context: WebContext, _ what: String) throws -> HTTPServerResponse {
        let form = context.form
        switch what {
        case "staff-add":
            try require(.manageStaff, context)
            let login = form["login"] ?? ""
            let roles = Set(form.all("role").compactMap(StaffRole.init(rawValue:)))
            guard !roles.isEmpty else { throw WebError.invalid("请至少勾选一个岗位") }
            var password = ""
            for _ in 0..<10 {
                password = "Ld-" + Base32.encode(try secureRandomBytes(8))
                if PasswordPolicy().check(password, login: login) == nil { break }
            }
            try writer.with { store in
                try store.addStaff(login: login, name: form["name"] ?? "", roles: roles, password: password, mustChange: true)
                try audit(context, "admin.staff.add", target: login, detail: StaffRole.storageText(roles), store: store)
            }
            return try adminPage(context, message: "已添加 \(login)，一次性密码：\(password)（首次登录后必须修改）")
        case "staff-state":
            try require(.manageStaff, context)
            guard let login = form["login"], login != context.session.member.login else { throw WebError.invalid("不能停用自己的账号") }
            var message = ""
            try writer.with { store in
                switch form["do"] {
                case "disable": try store.setStaffDisabled(login, true); message = "已停用 \(login)"
                case "enable": try store.setStaffDisabled(login, false); message = "已启用 \(login)"
                case "reset":
                    let password = "Ld-" + Base32.encode(try secureRandomBytes(8))
                    try store.setStaffPassword(login, password, mustChange: true)
                    message = "\(login) 的一次性密码：\(password)（首次登录后必须修改）"
                default: throw WebError.invalid("未知操作")
                }
                try audit(context, "admin.staff.\(form["do"] ?? "")", target: login, store: store)
            }
            return try adminPage(context, message: message)
        case "staff-roles":
            try require(.manageStaff, context)
            guard let login = form["login"], login != context.session.member.login else { throw WebError.invalid("不能修改自己的岗位，请由另一位管理员修改") }
            let roles = Set(form.all("role").compactMap(StaffRole.init(rawValue:)))
            if let conflict = StaffRole.conflict(in: roles) { throw WebError.invalid(conflict) }
            try writer.with { store in
                try store.setStaffRoles(login, roles)
                try audit(context, "admin.staff.roles", target: login, detail: StaffRole.storageText(roles), store: store)
            }
            return try adminPage(context, message: "已将 \(login) 的岗位改为：\(roles.sorted().map(\.chineseName).joined(separator: "、"))")
        case "catalog", "calendar":
            try require(what == "catalog" ? .manageCatalog : .manageCalendar, context)
            let text = form.values["\(what)-json"]?.first ?? ""
            let message: String = try writer.with { store in
                guard store.identity.role == .county else { throw WebError.invalid("只有县政务服务中心可以发布事项目录和工作日历") }
                let json = try JSONParser.parse(Array(text.utf8))
                let message: String
                if what == "catalog" {
                    let outcome = try store.importCatalog(json, actor: actor(context))
                    message = "已发布 \(outcome.published.count) 个事项，\(outcome.unchanged) 个未变"
                } else {
                    let year = try store.setCalendarYear(json, actor: actor(context))
                    message = "已设置 \(year.year) 年工作日历"
                }
                try audit(context, "admin.\(what)", store: store)
                return message
            }
            return try adminPage(context, message: message)
        case "enrol":
            try require(.manageNodes, context)
            guard let code = form["code"], let name = form["name"], let role = form["child-role"].flatMap(Role.init(rawValue:)) else {
                throw WebError.invalid("请填写下级区划代码和名称")
            }
            let (invitation, identity) = try writer.with { store in
                let invitation = try store.addEnrollment(code: code, role: role, name: name)
                try audit(context, "admin.node.enrol", target: code, store: store)
                return (invitation, store.identity)
            }
            let host = context.request.headers["host"] ?? "<本节点地址>"
            let url = (configuration.secure ? "https://" : "http://") + host
            _ = identity
            let command = ["liandong", "init", "--data", "<数据目录>", "--role", role.rawValue, "--code", code, "--name", name, "--parent", url,
                           "--enroll", invitation.token].map(Workbench.shellWord).joined(separator: " ")
            return try adminPage(context, message: "已签发 \(name)（\(code)）的一次性加入口令，24 小时内有效。请在下级电脑上运行：", token: command)
        case "revoke":
            try require(.manageNodes, context)
            guard let code = form["code"], let reason = form["reason"] else { throw WebError.invalid("请填写撤销原因") }
            try writer.with { store in
                _ = try store.revoke(code: code, reason: reason, actor: actor(context))
                try audit(context, "admin.node.revoke", target: code, detail: reason, store: store)
            }
            return try adminPage(context, message: "已撤销节点 \(code)")
        default:
            throw WebError.notFound(context.request.path)
        }
    }

    static func shellWord(_ word: String) -> String {
        if word.hasPrefix("<") { return word }
        let plain = word.unicodeScalars.allSatisfy { $0.value > 0x7F || CharacterSet.alphanumerics.contains($0) || "-_./:=@%+,".unicodeScalars.contains($0) }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// 审计: the audit trail, for the 审计员 only (the administrator cannot read it).
    func auditPage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.readAudit, context)
        var filter = AuditFilter(staff: context.form["staff"], action: context.form["what"], outcome: context.form["outcome"])
        let page = max(1, Int(context.form["page"] ?? "1") ?? 1)
        filter.offset = (page - 1) * filter.limit
        return try writer.with { store in
            let entries = try store.auditEntries(filter)
            let check = try store.verifyAuditTrail()
            var body = "<p class=\"\(check.firstBroken == nil ? "notice" : "error")\" id=\"audit-chain\">"
                + (check.firstBroken.map { "哈希链在第 \($0) 条断开：审计记录被改动" } ?? "哈希链完整，共 \(check.rows) 条") + "</p>"
            body += "<form method=\"get\" action=\"/audit\" class=\"panel\">" + HTML.field("staff", "工作人员", value: filter.staff ?? "")
                + HTML.field("what", "操作", value: filter.action ?? "", hint: "前缀，如 login、case.") + HTML.field("outcome", "结果", value: filter.outcome ?? "", hint: "ok、forbidden、wrong_password…")
                + "<button type=\"submit\">筛选</button></form>"
            body += "<table id=\"audit\"><tr><th>序号</th><th>时间</th><th>工作人员</th><th>节点</th><th>操作</th><th>对象</th><th>结果</th><th>说明</th></tr>"
            for entry in entries {
                body += "<tr><td>\(entry.id)</td><td>\(HTML.time(entry.at))</td><td>\(HTML.esc(entry.staff))</td><td>\(HTML.esc(entry.node))</td><td>\(HTML.esc(entry.action))</td>"
                    + "<td>\(HTML.esc(entry.target))</td><td>\(HTML.esc(entry.outcome))</td><td>\(HTML.esc(entry.detail))</td></tr>"
            }
            body += "</table><p class=\"pager\">"
            func link(_ p: Int) -> String {
                "/audit?page=\(p)&amp;staff=\(HTML.q(filter.staff ?? ""))&amp;what=\(HTML.q(filter.action ?? ""))&amp;outcome=\(HTML.q(filter.outcome ?? ""))"
            }
            if page > 1 { body += "<a href=\"\(link(page - 1))\">上一页</a> " }
            if entries.count == filter.limit { body += "<a href=\"\(link(page + 1))\">下一页</a>" }
            return try staffPage(context, store: store, title: "审计", active: "/audit", body: body + "</p>")
        }
    }
}
