import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    /// 登录: a pre-session CSRF token (double-submit cookie) guards the form itself.
    func login(_ request: HTTPServerRequest) throws -> HTTPServerResponse {
        if request.method == "GET" { return try loginForm(error: nil, login: "") }
        guard request.method == "POST" else { throw WebError.invalid("不支持的请求方法 \(request.method)") }
        let form = WebForm(body: request.body)
        let pre = Cookies.parse(request.headers["cookie"])[preCookie] ?? ""
        guard !pre.isEmpty, let sent = form["csrf"], PasswordHash.equal(Array(sent.utf8), Array(pre.utf8)) else {
            try writer.with { try $0.audit(staff: form["login"] ?? "", action: "login", outcome: "csrf_refused") }
            return page(403, title: "请求被拒绝", body: "<main><div class=\"error\">表单校验码缺失或不正确（CSRF），请<a href=\"/login\">重新打开登录页</a>。</div></main>")
        }
        let login = form["login"] ?? ""
        let password = form.values["password"]?.first ?? ""
        let outcome = try writer.with { store -> LoginOutcome in
            let outcome = try store.authenticate(login: login, password: password, code: form["code"], lockout: configuration.lockout)
            try store.audit(staff: login, action: "login", outcome: outcome.auditOutcome)
            return outcome
        }
        switch outcome {
        case .success(let member):
            let token = try writer.with { try $0.startSession(login: member.login) }
            return redirect(member.mustChangePassword ? "/password" : "/", cookie: Cookies.make(sessionCookie, token, secure: configuration.secure))
        case .wrongPassword: return try loginForm(error: "登录名或密码不正确", login: login)
        case .locked(let minutes): return try loginForm(error: "连续登录失败次数过多，账号已锁定，请 \(minutes) 分钟后再试", login: login)
        case .disabled: return try loginForm(error: "该账号已停用，请联系管理员", login: login)
        case .needsCode: return try loginForm(error: "该账号已启用动态口令，请输入验证器上的 6 位动态口令", login: login)
        case .wrongCode: return try loginForm(error: "动态口令不正确", login: login)
        case .needsSecondFactorSetup:
            return try loginForm(error: "本节点要求管理员、审批员使用动态口令，该账号尚未启用，请联系管理员运行 liandong staff totp", login: login)
        }
    }

    func loginForm(error: String?, login: String) throws -> HTTPServerResponse {
        let pre = Hex.encode(try secureRandomBytes(24))
        let name = writer.with { $0.identity.name }
        var body = "<main><div class=\"login\"><h1>\(HTML.esc(name))<br>联动工作台登录</h1>"
        if let error { body += "<div class=\"error\" role=\"alert\">\(HTML.esc(error))</div>" }
        body += "<form method=\"post\" action=\"/login\">\(HTML.hidden("csrf", pre))"
            + HTML.field("login", "登录名", value: login, extra: "autocomplete=\"username\" required autofocus")
            + HTML.field("password", "密码", type: "password", extra: "autocomplete=\"current-password\" required")
            + HTML.field("code", "动态口令", extra: "autocomplete=\"one-time-code\" inputmode=\"numeric\"", hint: "未启用动态口令可不填")
            + "<button type=\"submit\">登录</button></form><p class=\"muted\"><a href=\"/public\">群众办件查询</a></p></div></main>"
        return page(error == nil ? 200 : 401, title: "登录", body: body, cookie: Cookies.make(preCookie, pre, secure: configuration.secure))
    }

    func logout(_ context: WebContext) throws -> HTTPServerResponse {
        try writer.with { store in
            try store.endSession(token: context.token)
            try audit(context, "logout", store: store)
        }
        return redirect("/login", cookie: Cookies.make(sessionCookie, "", secure: configuration.secure, maxAge: 0))
    }

    /// 修改密码: forced after a one-time password; the policy is the domain's.
    func password(_ context: WebContext) throws -> HTTPServerResponse {
        let member = context.session.member
        var error: String?
        if context.request.method == "POST" {
            let current = context.form.values["current"]?.first ?? ""
            let new = context.form.values["new"]?.first ?? ""
            let again = context.form.values["again"]?.first ?? ""
            error = try writer.with { store -> String? in
                let check = try store.authenticate(login: member.login, password: current, code: nil, lockout: configuration.lockout)
                switch check {
                case .success, .needsCode, .needsSecondFactorSetup: break
                default:
                    try audit(context, "password.change", outcome: "wrong_password", store: store)
                    return "当前密码不正确"
                }
                guard new == again else { return "两次输入的新密码不一致" }
                guard new != current else { return "新密码不能与当前密码相同" }
                if let violation = PasswordPolicy().check(new, login: member.login) { return violation.message }
                try store.setStaffPassword(member.login, new, mustChange: false)
                try audit(context, "password.change", store: store)
                return nil
            }
            if error == nil { return redirect("/") }
        }
        let body = (member.mustChangePassword ? "<div class=\"notice\">这是一次性密码，请先设置您自己的密码。</div>" : "")
            + (error.map { "<div class=\"error\" role=\"alert\">\(HTML.esc($0))</div>" } ?? "")
            + "<form method=\"post\" action=\"/password\" class=\"panel\">\(csrfField(context))"
            + HTML.field("current", "当前密码", type: "password", extra: "autocomplete=\"current-password\" required")
            + HTML.field("new", "新密码", type: "password", extra: "autocomplete=\"new-password\" required", hint: "至少 10 个字符，含大小写字母、数字、符号中的三类，不能包含登录名")
            + HTML.field("again", "确认新密码", type: "password", extra: "autocomplete=\"new-password\" required")
            + "<button type=\"submit\">修改密码</button></form>"
        return try writer.with { try staffPage(context, store: $0, title: "修改密码", active: "", body: body) }
    }

    /// 办件查询 for citizens: no login; case number and query code (case-insensitive); masked; rate-limited.
    func publicQuery(_ request: HTTPServerRequest) throws -> HTTPServerResponse {
        let form = WebForm(query: request.query)
        let number = form["number"] ?? ""
        let code = form["code"] ?? ""
        let nodeName = writer.with { $0.identity.name }
        var result = ""
        var status = 200
        if !number.isEmpty || !code.isEmpty {
            if !limiter.allow(request.remoteAddress, limit: configuration.publicQueriesPerMinute) {
                status = 429
                result = "<div class=\"error\" role=\"alert\">查询过于频繁，请一分钟后再试</div>"
            } else {
                result = try writer.with { store -> String in
                    guard let state = try store.caseState(number), !code.isEmpty, state.queryCode.uppercased() == code.uppercased() else {
                        return "<div class=\"error\" role=\"alert\">未找到办件，或查询码不正确</div>"
                    }
                    let view = try store.caseView(number)
                    var rows = [("办件编号", number), ("事项", state.item.name), ("申请人", Masking.name(state.applicant.name)),
                                ("当前状态", state.status.chineseName), ("受理日期", state.acceptedOn.iso)]
                    if let due = view.dueDate, state.status.isOpen { rows.append(("承诺办结日期", due.iso)) }
                    if let result = state.result { rows.append(("办理结果", result.name)) }
                    return "<table class=\"panel\" id=\"public-result\">" + rows.map { "<tr><th>\($0.0)</th><td>\(HTML.esc($0.1))</td></tr>" }.joined() + "</table>"
                }
                if result.contains("class=\"error\"") { status = 404 }
            }
        }
        let body = "<main><div class=\"login\"><h1>\(HTML.esc(nodeName))<br>办件查询</h1><form method=\"get\" action=\"/public\">"
            + HTML.field("number", "办件编号", value: number, extra: "required") + HTML.field("code", "查询码", value: code, extra: "required")
            + "<button type=\"submit\">查询</button></form>\(result)<p class=\"muted\">查询码印在受理通知书上，不区分大小写。</p></div></main>"
        return page(status, title: "办件查询", body: body)
    }
}
