import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    /// 电子监察: every open case of this node's subtree by node and item, filterable by 预警 and 超期.
    func boardPage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewBoard, context)
        let wanted = context.form["deadline"].flatMap(DeadlineStatus.init(rawValue:))
        return try writer.with { store in
            let open = try cachedQueue(nil, store: store)
            var perNode: [String: (total: Int, dueSoon: Int, overdue: Int)] = [:]
            for summary in open {
                let holder = summary.holder
                var counts = perNode[holder] ?? (0, 0, 0)
                counts.total += 1
                if summary.deadlineStatus == .dueSoon { counts.dueSoon += 1 }
                if summary.deadlineStatus == .overdue { counts.overdue += 1 }
                perNode[holder] = counts
            }
            var body = "<p class=\"tabs\"><a href=\"/board\"\(wanted == nil ? " class=\"on\"" : "")>全部在办</a>"
                + "<a href=\"/board?deadline=due_soon\"\(wanted == .dueSoon ? " class=\"on\"" : "")>预警</a>"
                + "<a href=\"/board?deadline=overdue\"\(wanted == .overdue ? " class=\"on\"" : "")>超期</a></p>"
            body += "<h2>各节点在办</h2><table id=\"board-nodes\"><tr><th>节点</th><th>在办</th><th>预警</th><th>超期</th></tr>"
            for (code, counts) in perNode.sorted(by: { $0.key < $1.key }) {
                body += "<tr><td>\(HTML.esc(nodeName(code, store: store)))</td><td>\(counts.total)</td><td>\(counts.dueSoon)</td><td>\(counts.overdue)</td></tr>"
            }
            if perNode.isEmpty { body += "<tr><td colspan=\"4\" class=\"muted\">没有在办件</td></tr>" }
            body += "</table><h2>办件</h2><table id=\"board-cases\"><tr><th>时限</th><th>办件编号</th><th>事项</th><th>所在节点</th><th>承诺办结</th></tr>"
            let shown = open.filter { wanted == nil || $0.deadlineStatus == wanted }
            let details = try store.queueDetails(shown.prefix(200).map(\.number))
            for summary in shown.prefix(200) {
                body += "<tr><td>\(HTML.light(summary.deadlineStatus))</td><td><a href=\"/cases/\(HTML.q(summary.number))\">\(HTML.esc(summary.number))</a></td>"
                    + "<td>\(HTML.esc(details[summary.number]?.itemName ?? ""))</td><td>\(HTML.esc(nodeName(summary.holder, store: store)))</td>"
                    + "<td>\(summary.dueDate?.iso ?? "即办")</td></tr>"
            }
            body += "</table>" + (shown.count > 200 ? "<p class=\"muted\">仅显示前 200 件（共 \(shown.count) 件）</p>" : "")
            return try staffPage(context, store: store, title: "电子监察", active: "/board", body: body, live: true)
        }
    }

    static func permille(_ value: JSONValue?) -> String {
        guard let value = value?.intValue else { return "—" }
        return String(format: "%.1f%%", Double(value) / 10)
    }

    /// 统计: DESIGN §8's figures overall and per item, with inline-SVG bar charts; CSV download.
    func statsPage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewStats, context)
        let from = context.form["from"].flatMap(LocalDate.init(iso:))
        let to = context.form["to"].flatMap(LocalDate.init(iso:))
        if let from, let to, from > to { throw WebError.invalid("统计期间的开始日期 \(from.iso) 晚于结束日期 \(to.iso)") }
        return try writer.with { store in
            // The node whose subtree is counted: this node by default, or any node below it (issue 10, item 6).
            let own = store.identity.code
            let names = Dictionary(try store.registry().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
            let subtree = names.keys.filter { NodeCode.isAncestorOrSelf(own, of: $0) }.sorted()
            let chosen = context.form["node"].flatMap { $0.isEmpty ? nil : $0 }
            if let chosen, !subtree.contains(chosen) { throw WebError.invalid("节点 \(chosen) 不在本节点辖区内") }
            let stats = try store.statistics(from: from, to: to, node: chosen)
            var body = "<form method=\"get\" action=\"/stats\" class=\"panel\">" + HTML.field("from", "起始日期", value: from?.iso ?? "", type: "date")
                + HTML.field("to", "截止日期", value: to?.iso ?? "", type: "date")
            if subtree.count > 1 {
                body += HTML.select("node", "节点（含下级）", options: subtree.map { ($0, "\($0) \(names[$0] ?? "")") }, selected: chosen ?? own)
            }
            body += "<button type=\"submit\">统计</button></form>"
            if let warning = stats.calendarWarning { body += "<p class=\"error\" role=\"alert\">\(HTML.esc(warning))</p>" }
            let columns = ["cases": "办件数", "completed": "办结数", "overdueOpen": "在办超期", "onTimeRatePermille": "按时办结率",
                         "earlyRatePermille": "提前办结率", "immediateRatePermille": "即办件比例", "supplementRatePermille": "补正率",
                         "satisfactionRatePermille": "满意率"]
            let overall = stats.overall.json
            body += "<table id=\"stats-overall\"><tr>" + columns.keys.sorted().map { "<th>\(columns[$0] ?? $0)</th>" }.joined() + "<th>平均办理工作日</th></tr><tr>"
            body += columns.keys.sorted().map { key in "<td>\(key.hasSuffix("Permille") ? Workbench.permille(overall[key]) : String(overall[key]?.intValue ?? 0))</td>" }.joined()
            body += "<td>\(overall["averageWorkingDaysTenths"]?.intValue.map { String(format: "%.1f", Double($0) / 10) } ?? "—")</td></tr></table>"
            body += HTML.bars("各事项办件数", stats.perItem.map { ($0.name, Double($0.stats.cases), String($0.stats.cases)) })
            body += HTML.bars("各事项按时办结率", stats.perItem.map { item in
                let rate = item.stats.json["onTimeRatePermille"]?.intValue
                return (item.name, Double(rate ?? 0), Workbench.permille(item.stats.json["onTimeRatePermille"]))
            }, max: 1000)
            if stats.perNode.count > 1 {
                body += "<h2>各节点（含下级）</h2><table id=\"stats-nodes\"><tr><th>节点</th><th>办件数</th><th>办结数</th><th>在办超期</th><th>按时办结率</th><th>满意率</th><th>一次性告知</th></tr>"
                for line in stats.perNode {
                    let json = line.stats.json
                    body += "<tr><td>\(HTML.esc(line.code)) \(HTML.esc(names[line.code] ?? ""))</td><td>\(line.stats.cases)</td><td>\(line.stats.completed)</td>"
                        + "<td>\(line.stats.overdueOpen)</td><td>\(Workbench.permille(json["onTimeRatePermille"]))</td>"
                        + "<td>\(Workbench.permille(json["satisfactionRatePermille"]))</td><td>\(line.stats.oneTimeNotices)</td></tr>"
                }
                body += "</table>"
            }
            if context.can(.exportStats) { body += "<p><a href=\"/stats.csv\" download>下载 CSV</a></p>" }
            return try staffPage(context, store: store, title: "统计", active: "/stats", body: body)
        }
    }

    func statsCSV(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.exportStats, context)
        return try writer.with { store in
            let stats = try store.statistics()
            var csv = "\u{FEFF}事项编码,事项名称,办件数,办结数,按时办结率,提前办结率,补正率,满意率\r\n"
            func cell(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            for item in stats.perItem {
                let json = item.stats.json
                csv += [cell(item.code), cell(item.name), String(item.stats.cases), String(item.stats.completed),
                        Workbench.permille(json["onTimeRatePermille"]), Workbench.permille(json["earlyRatePermille"]),
                        Workbench.permille(json["supplementRatePermille"]), Workbench.permille(json["satisfactionRatePermille"])].joined(separator: ",") + "\r\n"
            }
            try audit(context, "export.stats", store: store)
            var headers = headers("text/csv; charset=utf-8")
            headers["Content-Disposition"] = "attachment; filename=\"stats-\(store.identity.code)-\(store.today.compact).csv\""
            return HTTPServerResponse(status: 200, headers: headers, body: Array(csv.utf8))
        }
    }

    /// 冲突: the conflict queue; resolve where this node may.
    func conflictsPage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewConflicts, context)
        return try writer.with { store in
            let conflicts = try store.conflicts(all: true)
            var body = "<table id=\"conflicts\"><tr><th>编号</th><th>办件/条目</th><th>规则</th><th>详情</th><th>处理</th></tr>"
            for conflict in conflicts {
                body += "<tr id=\"\(HTML.esc(conflict.id))\"><td>\(HTML.esc(conflict.id))</td><td>" + conflict.entities.map { "<a href=\"/cases/\(HTML.q($0))\">\(HTML.esc($0))</a>" }.joined(separator: "<br>")
                    + "</td><td>\(HTML.esc(conflict.rule))</td><td><pre>\(HTML.esc(conflict.detail.prettyString))</pre></td><td>"
                if conflict.isResolved {
                    body += "已处理：<pre>\(HTML.esc(conflict.resolution?.prettyString ?? ""))</pre>"
                } else if context.can(.resolveConflict) {
                    body += "<form method=\"post\" action=\"/conflicts\">\(csrfField(context))\(HTML.hidden("id", conflict.id))"
                        + HTML.field("note-\(conflict.id)", "处理意见", name: "note", extra: "required")
                        + HTML.field("keep-\(conflict.id)", "保留的值", name: "keep", hint: "按冲突规则可选，留空则只记录意见")
                        + "<button type=\"submit\">处理冲突</button></form>"
                } else {
                    body += "待处理"
                }
                body += "</td></tr>"
            }
            if conflicts.isEmpty { body += "<tr><td colspan=\"5\" class=\"muted\">没有冲突</td></tr>" }
            return try staffPage(context, store: store, title: "冲突", active: "/conflicts", body: body + "</table>", live: true)
        }
    }

    func conflictResolve(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.resolveConflict, context)
        guard let id = context.form["id"], let note = context.form["note"] else { throw WebError.invalid("请填写处理意见") }
        return try writer.with { store in
            _ = try store.resolveConflict(id, note: note, keep: context.form["keep"], actor: actor(context))
            try audit(context, "conflict.resolve", target: id, store: store)
            return redirect("/conflicts")
        }
    }

    /// 隔离: changes refused at the door, with their reasons; retry.
    func quarantinePage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewQuarantine, context)
        return try writer.with { store in
            let rows = try store.quarantinedChanges(limit: 500)
            var body = ""
            if context.can(.retryQuarantine) {
                body += "<form method=\"post\" action=\"/quarantine\">\(csrfField(context))<button type=\"submit\">全部重试</button></form>"
            }
            body += "<table id=\"quarantine\"><tr><th>来源</th><th>变更</th><th>类型</th><th>原因</th><th>说明</th><th>时间</th></tr>"
            for row in rows {
                body += "<tr><td>\(HTML.esc(row.source ?? ""))</td><td>\(HTML.esc(row.origin))#\(row.seq)</td><td>\(HTML.esc(row.kind ?? ""))</td>"
                    + "<td>\(HTML.esc(row.reason))</td><td>\(HTML.esc(row.message))</td><td>\(HTML.time(row.receivedAt))</td></tr>"
            }
            if rows.isEmpty { body += "<tr><td colspan=\"6\" class=\"muted\">没有被隔离的变更</td></tr>" }
            return try staffPage(context, store: store, title: "隔离", active: "/quarantine", body: body + "</table>")
        }
    }

    func quarantineRetry(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.retryQuarantine, context)
        return try writer.with { store in
            let results = try store.retryQuarantined(nil)
            try audit(context, "quarantine.retry", detail: "\(results.count)", store: store)
            return redirect("/quarantine")
        }
    }

    /// 同步: the parent link and each child's contact and lag.
    func syncPage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewSync, context)
        return try writer.with { store in
            let link = try store.parentLink()
            let upward = try store.unackedUpward()
            let health = try linkHealth(store)
            var body = "<table class=\"panel\" id=\"sync-parent\">"
            body += "<tr><th>上级</th><td>\(HTML.esc(store.identity.parentURL ?? "（本节点为根节点）")) \(HTML.esc(link.code.map { nodeName($0, store: store) } ?? ""))</td></tr>"
            body += "<tr><th>链路</th><td><span class=\"link \(health.rawValue)\">\(HTML.esc(health.chineseName))</span></td></tr>"
            body += "<tr><th>最近一次成功同步</th><td>\(link.lastContact.map(HTML.time) ?? "从未")</td></tr>"
            body += "<tr><th>未上送变更</th><td>\(upward.count) 条\(upward.oldestAge.map { "，最早的已等待 \($0 / 60_000) 分钟" } ?? "")</td></tr>"
            if let error = link.lastError {
                body += "<tr><th>最近错误</th><td>\(link.lastErrorAt.map(HTML.time) ?? "") \(HTML.esc(Workbench.chineseSyncError(error)))</td></tr>"
            }
            body += "</table><h2>下级节点</h2><table id=\"sync-children\"><tr><th>节点</th><th>最近联系</th><th>待下发</th><th>最早待下发</th></tr>"
            let children = try store.childLinks()
            for child in children {
                body += "<tr><td>\(HTML.esc(nodeName(child.code, store: store)))（\(HTML.esc(child.code))）</td><td>\(child.lastContact.map(HTML.time) ?? "从未")</td>"
                    + "<td>\(child.unacked)</td><td>\(child.oldestUnackedAge.map { "\($0 / 60_000) 分钟前" } ?? "—")</td></tr>"
            }
            if children.isEmpty { body += "<tr><td colspan=\"4\" class=\"muted\">没有下级节点</td></tr>" }
            return try staffPage(context, store: store, title: "同步", active: "/sync", body: body + "</table>", live: true)
        }
    }

    /// The lanes record errors in English (logs); staff read them in Chinese.
    static func chineseSyncError(_ text: String) -> String {
        if text.hasPrefix("connect") || text.contains("connect") || text.contains("Couldn't") { return "无法连接上级（网络中断或上级未运行）：" + text }
        if text.contains("timeout") || text.contains("timed out") { return "连接上级超时：" + text }
        return "同步出错：" + text
    }
}
