import LiandongDomain
import LiandongStore
import LiandongSync

extension Workbench {
    static let pageSize = 20

    /// The action that makes a case in a queue this node's work.
    static func queueAction(_ queue: WorkQueue) -> CaseAction {
        switch queue {
        case .toReview: return .forward
        case .toDecide: return .approve
        case .awaitingSupplement: return .recordSupplement
        case .toIssue: return .issue
        case .toDeliver: return .deliver
        case .followUp: return .closeFollowUp
        }
    }

    /// 待办: the queues of the staff member's roles, each row with its deadline light and days
    /// left, most urgent first, paged.
    func queuePage(_ context: WebContext) throws -> HTTPServerResponse {
        try require(.viewQueue, context)
        let queues = WorkQueue.queues(for: context.session.member.roles)
        let key = context.form["q"] ?? queues.first?.rawValue ?? "all"
        let chosen = WorkQueue(rawValue: key)
        let pageNumber = max(1, Int(context.form["page"] ?? "1") ?? 1)
        return try box.with { store in
            var tabs = "<p class=\"tabs\">"
            for queue in queues {
                tabs += "<a href=\"/queue?q=\(queue.rawValue)\"\(queue == chosen ? " class=\"on\"" : "")>\(queue.chineseName)</a>"
            }
            tabs += "<a href=\"/queue?q=all\"\(chosen == nil ? " class=\"on\"" : "")>本节点全部办件</a></p>"
            let today = store.today
            var rows: [(summary: CaseSummary, state: CaseState?, daysLeft: Int?)] = []
            let summaries: [CaseSummary]
            if let chosen {
                summaries = try chosen.statuses.flatMap { try store.listCases(CaseFilter(status: $0)) }
            } else {
                summaries = try store.listCases()
            }
            for summary in summaries {
                var state: CaseState?
                if let chosen {
                    guard let held = try store.caseState(summary.number) else { continue }
                    let action = Workbench.queueAction(chosen)
                    guard (try? CaseReducer.authorize(action, origin: store.identity.code, state: held)) != nil else { continue }
                    if chosen == .followUp {
                        guard let followUp = held.evaluation?.followUp, followUp.closedOn == nil else { continue }
                    }
                    state = held
                }
                rows.append((summary, state, summary.dueDate.map { $0.dayNumber - today.dayNumber }))
            }
            rows.sort { WorkQueue.moreUrgent(($0.summary.deadlineStatus, $0.daysLeft), than: ($1.summary.deadlineStatus, $1.daysLeft)) }
            let total = rows.count
            let pages = max(1, (total + Workbench.pageSize - 1) / Workbench.pageSize)
            let current = min(pageNumber, pages)
            let slice = rows.dropFirst((current - 1) * Workbench.pageSize).prefix(Workbench.pageSize)
            var table = "<table id=\"queue\"><tr><th>时限</th><th>剩余天数</th><th>办件编号</th><th>事项</th><th>申请人</th><th>状态</th><th>承诺办结</th><th>所在节点</th></tr>"
            for row in slice {
                let json = row.summary.json
                let done = !(row.summary.status.isOpen)
                table += "<tr><td>\(HTML.light(row.summary.deadlineStatus, completed: done && row.summary.status != .accepted))</td>"
                    + "<td>\(row.daysLeft.map { $0 < 0 ? "超 \(-$0) 天" : "\($0) 天" } ?? "—")</td>"
                    + "<td><a href=\"/cases/\(HTML.q(row.summary.number))\">\(HTML.esc(row.summary.number))</a></td>"
                    + "<td>\(HTML.esc(json["itemName"]?.stringValue ?? ""))</td><td>\(HTML.esc(json["applicant"]?.stringValue ?? ""))</td>"
                    + "<td>\(row.summary.status.chineseName)</td><td>\(row.summary.dueDate?.iso ?? "即办")</td>"
                    + "<td>\(HTML.esc(nodeName(json["holder"]?.stringValue ?? "", store: store)))</td></tr>"
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
