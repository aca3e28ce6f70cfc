import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// Workbench is the staff web UI (工作台) every node serves at `/`: server-rendered Chinese pages,
/// one tiny script, everything inside the binary. Every page and every POST is checked against
/// the permission table (StaffPermission); every POST carries the session's CSRF token; every
/// login, action, export and unmasked view is written to the audit trail.
///
/// Every write goes through the service's StoreWriter, which wakes the sync lanes, parked pulls
/// and open pages once the log moved: a page does not have to say that it wrote.
///
/// `@unchecked Sendable`: the store is reached only through the service's StoreWriter; the queue
/// cache and the boards are guarded by their own locks.
public final class Workbench: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// True when the listener speaks TLS: cookies get `Secure`, non-loopback clients are served.
        public var secure: Bool
        public var sessionRule = SessionRule()
        public var lockout = LoginLockout()
        /// Public query requests allowed per address per minute.
        public var publicQueriesPerMinute = 10

        public init(secure: Bool) { self.secure = secure }
    }

    let service: SyncService
    let configuration: Configuration
    let live = LiveBoard()
    let limiter = RateLimiter()
    private let lock = NSLock()
    /// Work queues as last computed, by queue, with the log generation and day they hold for: a
    /// queue depends only on the log (cases, calendar) and today, so an unchanged log reuses it.
    private var queueCache: [String: (generation: Int64, day: Int, rows: [QueueRow])] = [:]

    /// The rows of a work queue (nil: every open case), reused while the log and the day are unchanged.
    func cachedQueue(_ queue: WorkQueue?, store: NodeStore) throws -> [QueueRow] {
        let key = queue?.rawValue ?? "*"
        let generation = try logVersion(store)
        let day = store.today.dayNumber
        if let hit = lock.withLock({ queueCache[key] }), hit.generation == generation, hit.day == day { return hit.rows }
        let rows = try store.workQueue(queue)
        lock.withLock { queueCache[key] = (generation, day, rows) }
        return rows
    }

    public init(service: SyncService, configuration: Configuration) {
        self.service = service
        self.configuration = configuration
        // Open pages re-read when the log moves, whoever moved it (a page, a lane, the CLI).
        service.writer.onLogMoved { [live] in live.wake() }
    }

    var writer: StoreWriter { service.writer }

    /// Cookie names carry the node code: several nodes on one machine (the demo, a test) each keep
    /// their own session in one browser, since cookies are not separated by port.
    var sessionCookie: String { "ld_s_" + service.writer.code }
    var preCookie: String { "ld_pre_" + service.writer.code }

    /// The first path segments the workbench answers; anything else is 404 before any login.
    static let paths: Set<String> = ["", "login", "logout", "password", "queue", "accept", "cases", "board", "stats", "stats.csv", "conflicts",
                                     "quarantine", "sync", "admin", "audit", "live", "public"]

    /// Answers every path the router does not own.
    public func handle(_ request: HTTPServerRequest) -> HTTPServerResult {
        let path = request.path
        if !configuration.secure && !Router.isLoopback(request.remoteAddress) {
            return .respond(page(403, title: "请使用 HTTPS", body: "<main><div class=\"error\">工作台只在本机以 HTTP 提供；其他电脑请通过 HTTPS 访问。</div></main>"))
        }
        switch path {
        case "/assets/app.css": return .respond(asset(Assets.css, type: "text/css; charset=utf-8"))
        case "/assets/app.js": return .respond(asset(Assets.js, type: "application/javascript; charset=utf-8"))
        case "/favicon.ico", "/assets/icon.svg": return .respond(asset(Assets.icon, type: "image/svg+xml"))
        default: break
        }
        // The workbench speaks GET, HEAD and POST only (the home page GET and HEAD); anything else is 405 naming them (RFC 9110 §15.5.6).
        // /setup is the first-run form (POST only, Protocol/openapi.yaml); once the node exists it answers 404.
        let allowed = path == "/" ? ["GET", "HEAD"] : path == "/setup" ? ["POST"] : ["GET", "HEAD", "POST"]
        guard allowed.contains(request.method) else {
            var refused = page(405, title: "不支持的请求方法", body: "<main><div class=\"error\">不支持的请求方法：\(HTML.esc(request.method))</div></main>")
            refused.headers["Allow"] = allowed.joined(separator: ", ")
            return .respond(refused)
        }
        let first = path.split(separator: "/").first.map(String.init) ?? ""
        guard Workbench.paths.contains(first) else {
            return .respond(page(404, title: "未找到", body: "<main><div class=\"error\">未找到页面：\(HTML.esc(path))</div><p><a href=\"/\">返回工作台</a></p></main>"))
        }
        do {
            if path == "/public" { return .respond(try publicQuery(request)) }
            if path == "/login" { return .respond(try login(request)) }
            let cookies = Cookies.parse(request.headers["cookie"])
            let token = cookies[sessionCookie] ?? ""
            let isLive = path == "/live"
            guard let session = try writer.with({ try $0.session(token: token, rule: configuration.sessionRule, touch: !isLive) }) else {
                if isLive { return .respond(HTTPServerResponse(status: 401, headers: ["Content-Type": "application/json"], body: Array("{\"error\":\"unauthenticated\"}".utf8))) }
                if request.method == "POST" {
                    return .respond(page(403, title: "请重新登录", body: "<main><div class=\"error\">会话已结束，请<a href=\"/login\">重新登录</a>。</div></main>"))
                }
                return .respond(redirect("/login"))
            }
            var context = WebContext(request: request, session: session, token: token, form: WebForm(query: request.query))
            if request.method == "POST" {
                if let boundary = Multipart.boundary(contentType: request.headers["content-type"]) {
                    // The upload form (办件详情): its fields, CSRF token included, and its files.
                    guard let multipart = Multipart(body: request.body, boundary: boundary) else { throw WebError.invalid("上传的表单无法读取，请重试") }
                    context.form = WebForm(multipart.fields)
                    context.files = multipart.files
                } else {
                    context.form = WebForm(body: request.body)
                }
                guard let sent = context.form["csrf"], PasswordHash.equal(Array(sent.utf8), Array(session.csrf.utf8)) else {
                    try writer.with { try $0.audit(staff: session.member.login, action: "csrf", target: path, outcome: "refused") }
                    return .respond(page(403, title: "请求被拒绝", body: "<main><div class=\"error\">表单校验码缺失或不正确（CSRF），请求被拒绝。请刷新页面后重试。</div></main>"))
                }
            } else if request.method != "GET" && request.method != "HEAD" {
                throw WebError.invalid("不支持的请求方法 \(request.method)")
            }
            if isLive { return live(context) }
            if session.member.mustChangePassword && path != "/password" && path != "/logout" { return .respond(redirect("/password")) }
            return .respond(try route(context))
        } catch let error as WebError {
            return .respond(errorPage(error, request: request))
        } catch {
            service.log("workbench \(request.method) \(path): \(error)")
            let message: String
            switch error {
            case let error as StoreError: message = error.message
            case let error as CaseError: message = error.message
            default: message = "内部错误，已记录"
            }
            return .respond(page(400, title: "操作未完成", body: "<main><div class=\"error\">\(HTML.esc(message))</div><p><a href=\"javascript:history.back()\">返回</a></p></main>"))
        }
    }

    func route(_ context: WebContext) throws -> HTTPServerResponse {
        let segments = context.request.path.split(separator: "/").map(String.init)
        let post = context.request.method == "POST"
        switch (segments.first ?? "", segments.count, post) {
        case ("", 0, false): return redirect(home(context.session.member.roles))
        case ("logout", 1, true): return try logout(context)
        case ("password", 1, _): return try password(context)
        case ("queue", 1, false): return try queuePage(context)
        case ("accept", 1, false): return try acceptPage(context)
        case ("accept", 1, true): return try acceptPost(context)
        case ("cases", 2, false): return try casePage(context, number: segments[1])
        case ("cases", 3, true) where segments[2] == "act": return try caseAction(context, number: segments[1])
        case ("cases", 4, false) where segments[2] == "files": return try caseFile(context, number: segments[1], sha256: segments[3])
        case ("cases", 3, true) where segments[2] == "attach": return try caseAttach(context, number: segments[1], files: context.files)
        case ("cases", 4, false) where segments[2] == "print": return try printCase(context, number: segments[1], slug: segments[3])
        case ("board", 1, false): return try boardPage(context)
        case ("stats", 1, false): return try statsPage(context)
        case ("stats.csv", 1, false): return try statsCSV(context)
        case ("conflicts", 1, false): return try conflictsPage(context)
        case ("conflicts", 1, true): return try conflictResolve(context)
        case ("quarantine", 1, false): return try quarantinePage(context)
        case ("quarantine", 1, true): return try quarantineRetry(context)
        case ("sync", 1, false): return try syncPage(context)
        case ("admin", 1, false): return try adminPage(context)
        case ("admin", 2, true): return try adminPost(context, segments[1])
        case ("audit", 1, false): return try auditPage(context)
        default: throw WebError.notFound(context.request.path)
        }
    }

    /// Where a staff member lands: case workers at their work queue, the administrator at 管理,
    /// the auditor at 审计.
    func home(_ roles: Set<StaffRole>) -> String {
        if !roles.isDisjoint(with: [.acceptor, .reviewer, .approver]) { return "/queue" }
        if roles.contains(.admin) { return "/admin" }
        if roles.contains(.auditor) { return "/audit" }
        return "/login"
    }

    /// Checks a permission; a refusal is audited and answered 403.
    func require(_ permission: StaffPermission, _ context: WebContext, target: String = "") throws {
        guard permission.isGranted(to: context.session.member.roles) else {
            try writer.with { try $0.audit(staff: context.session.member.login, action: permission.rawValue, target: target, outcome: "forbidden") }
            throw WebError.forbidden(permission, target: target)
        }
    }

    func audit(_ context: WebContext, _ action: String, target: String = "", outcome: String = "ok", detail: String = "", store: NodeStore) throws {
        try store.audit(staff: context.session.member.login, action: action, target: target, outcome: outcome, detail: detail)
    }

    /// The actor written into changes made through the UI: the staff member's name and login, so
    /// that timelines at every tier show who did it.
    func actor(_ context: WebContext) -> String { "\(context.session.member.name)（\(context.session.member.login)）" }

    // MARK: Responses

    func headers(_ type: String) -> [String: String] {
        ["Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
         "Referrer-Policy": "no-referrer",
         "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"]
    }

    func asset(_ text: String, type: String) -> HTTPServerResponse {
        var headers = headers(type)
        headers["Cache-Control"] = "max-age=3600"
        return HTTPServerResponse(status: 200, headers: headers, body: Array(text.utf8))
    }

    func redirect(_ location: String, cookie: String? = nil) -> HTTPServerResponse {
        var headers = headers("text/html; charset=utf-8")
        headers["Location"] = location
        if let cookie { headers["Set-Cookie"] = cookie }
        service.statusCounts.add(303)
        return HTTPServerResponse(status: 303, headers: headers, body: [])
    }

    /// A bare page (login, errors, public query): no staff header.
    func page(_ status: Int, title: String, body: String, cookie: String? = nil) -> HTTPServerResponse {
        var headers = headers("text/html; charset=utf-8")
        if let cookie { headers["Set-Cookie"] = cookie }
        service.statusCounts.add(status)
        let html = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
            + "<title>\(HTML.esc(title)) · 联动工作台</title><link rel=\"stylesheet\" href=\"/assets/app.css\"><link rel=\"icon\" href=\"/assets/icon.svg\">"
            + "<script src=\"/assets/app.js\" defer></script></head><body>\(body)</body></html>"
        return HTTPServerResponse(status: status, headers: headers, body: Array(html.utf8))
    }

    func errorPage(_ error: WebError, request: HTTPServerRequest) -> HTTPServerResponse {
        switch error {
        case .forbidden(let permission, _):
            return page(403, title: "无权操作", body: "<main><div class=\"error\">您的岗位无权进行此操作（\(HTML.esc(permission.rawValue))）。此次尝试已记入审计日志。</div><p><a href=\"/\">返回工作台</a></p></main>")
        case .notFound(let path):
            return page(404, title: "未找到", body: "<main><div class=\"error\">未找到页面或办件：\(HTML.esc(path))</div><p><a href=\"/\">返回工作台</a></p></main>")
        case .invalid(let message):
            return page(400, title: "输入有误", body: "<main><div class=\"error\">\(HTML.esc(message))</div><p><a href=\"javascript:history.back()\">返回</a></p></main>")
        }
    }
}

/// WebContext is one authenticated request.
struct WebContext {
    var request: HTTPServerRequest
    var session: StaffSession
    var token: String
    var form: WebForm
    /// The files of a multipart upload (empty for every other request).
    var files: [Multipart.File] = []

    func can(_ permission: StaffPermission) -> Bool { permission.isGranted(to: session.member.roles) }
}
