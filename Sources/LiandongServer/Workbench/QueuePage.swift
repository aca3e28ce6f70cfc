import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    static let pageSize = 20

    /// 待办: the queues of the staff member's roles, each row with its deadline light and days
    /// left, most urgent first, paged.
    func queuePage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewQueue, context)
        let queues = WorkQueue.queues(for: context.session.member.roles)
        let key = context.form["q"] ?? queues.first?.rawValue ?? "all"
        let chosen = WorkQueue(rawValue: key)
        let pageNumber = max(1, Int(context.form["page"] ?? "1") ?? 1)
        return try writer.with { store in
            var tabs = "<p class=\"tabs\">"
            for queue in queues {
                tabs += "<a href=\"/queue?q=\(queue.rawValue)\"\(queue == chosen ? " class=\"on\"" : "")>\(queue.chineseName)</a>"
            }
            tabs += "<a href=\"/queue?q=all\"\(chosen == nil ? " class=\"on\"" : "")>本节点全部在办</a></p>"
            let rows = try cachedQueue(chosen, store: store)
            let total = rows.count
            let pages = max(1, (total + Workbench.pageSize - 1) / Workbench.pageSize)
            let current = min(pageNumber, pages)
            let slice = rows.dropFirst((current - 1) * Workbench.pageSize).prefix(Workbench.pageSize)
            var table = "<table id=\"queue\"><tr><th>时限</th><th>剩余天数</th><th>办件编号</th><th>事项</th><th>申请人</th><th>状态</th><th>承诺办结</th><th>所在节点</th></tr>"
            let details = try store.queueDetails(slice.map(\.number))
            for row in slice {
                table += "<tr><td>\(HTML.light(row.deadlineStatus, completed: row.completed))</td>"
                    + "<td>\(row.daysLeft.map { $0 < 0 ? "超 \(-$0) 天" : "\($0) 天" } ?? "—")</td>"
                    + "<td><a href=\"/cases/\(HTML.q(row.number))\">\(HTML.esc(row.number))</a></td>"
                    + "<td>\(HTML.esc(details[row.number]?.itemName ?? ""))</td><td>\(HTML.esc(details[row.number]?.applicant ?? ""))</td>"
                    + "<td>\(row.status.chineseName)</td><td>\(row.dueDate?.iso ?? "即办")</td>"
                    + "<td>\(HTML.esc(nodeName(row.holder, store: store)))</td></tr>"
            }
            if total == 0 { table += "<tr><td colspan=\"8\" class=\"muted\">暂无待办</td></tr>" }
            table += "</table>"
            var pager = "<p class=\"pager\">共 \(total) 件，第 \(current)/\(pages) 页 "
            if current > 1 { pager += "<a href=\"/queue?q=\(key)&amp;page=\(current - 1)\">上一页</a> " }
            if current < pages { pager += "<a href=\"/queue?q=\(key)&amp;page=\(current + 1)\">下一页</a>" }
            pager += "</p>"
            return try staffPage(context, store: store, title: "待办", active: "/queue", body: tabs + table + pager, live: true)
        }
    }
}
