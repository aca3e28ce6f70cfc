import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    /// The navigation: each entry shown only to roles that may open it (the server checks again).
    static let navigation: [(path: String, title: String, permission: StaffPermission)] = [
        ("/queue", "待办", .viewQueue), ("/accept", "受理", .accept), ("/board", "电子监察", .viewBoard), ("/stats", "统计", .viewStats),
        ("/conflicts", "冲突", .viewConflicts), ("/quarantine", "隔离", .viewQuarantine), ("/sync", "同步", .viewSync),
        ("/admin", "管理", .manageStaff), ("/audit", "审计", .readAudit),
    ]

    /// A staff page: header (node, link indicator, navigation, who, logout) and the body.
    /// `live` wraps the body in the region the script refreshes when the log changes.
    func staffPage(_ context: WebContext, store: NodeStore, title: String, active: String, body: String, live: Bool = false) throws -> HTTPServerResponse {
        let member = context.session.member
        let health = try linkHealth(store)
        var nav = ""
        for entry in Workbench.navigation where entry.permission.isGranted(to: member.roles) {
            nav += "<a href=\"\(entry.path)\"\(entry.path == active ? " class=\"on\" aria-current=\"page\"" : "")>\(entry.title)</a>"
        }
        let header = "<header><span class=\"brand\">\(HTML.esc(store.identity.name))</span>"
            + "<span class=\"link \(health.rawValue)\" id=\"link-status\" title=\"上级链路\">\(HTML.esc(health.chineseName))</span>"
            + "<nav>\(nav)</nav><span class=\"who\">\(HTML.esc(member.name))（\(HTML.esc(member.rolesText))）</span>"
            + "<form method=\"post\" action=\"/logout\">\(HTML.hidden("csrf", context.session.csrf))<button type=\"submit\">退出</button></form></header>"
        var main = "<main><h1>\(HTML.esc(title))</h1>"
        if live {
            main += "<div id=\"live\" data-version=\"\(try logVersion(store))\">\(body)</div>"
        } else {
            main += body
        }
        main += "</main>"
        return page(200, title: title, body: header + main)
    }

    /// The link indicator's judgement for this node.
    func linkHealth(_ store: NodeStore) throws -> LinkHealth {
        let parent = try store.parentLink()
        let created = try store.db.scalarInt("SELECT created_at FROM node WHERE id = 1") ?? store.now()
        let hasParent = !(store.identity.parentURL ?? "").isEmpty
        return LinkHealth.judge(hasParent: hasParent, lastContact: parent.lastContact, lastErrorAt: parent.lastErrorAt, since: created, now: store.now())
    }

    /// The log generation (migration 010): moves whenever any connection adds a change.
    func logVersion(_ store: NodeStore) throws -> Int64 {
        try store.db.scalarInt("SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'log_generation'") ?? 0
    }

    func csrfField(_ context: WebContext) -> String { HTML.hidden("csrf", context.session.csrf) }

    func nodeName(_ code: String, store: NodeStore) -> String {
        if code == store.identity.code { return store.identity.name }
        return (try? store.registryEntry(of: code)?.name) ?? code
    }
}
