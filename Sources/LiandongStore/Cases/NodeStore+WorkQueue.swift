import LiandongDomain

/// QueueRow is one line of a 待办 work queue: read from the cases table's columns and a few JSON
/// fields, without decoding the whole state (a county holds hundreds of thousands of cases).
public struct QueueRow: Sendable {
    public let number: String
    public let status: CaseStatus
    public let holder: String
    public let dueDate: LocalDate?
    public let deadlineStatus: DeadlineStatus
    public let completed: Bool
    /// Natural days from today to the due date (negative when overdue); nil for immediate items.
    public let daysLeft: Int?
}

extension NodeStore {
    /// The cases of a work queue at this node, most urgent first: those in the queue's statuses that
    /// this node may act on (WorkQueue's action and CaseAction.party, on the stored columns).
    /// `queue` nil lists every open case held here.
    public func workQueue(_ queue: WorkQueue?) throws -> [QueueRow] {
        let calendar = try self.calendar()
        let today = self.today
        let me = identity.code
        let statuses = queue?.statuses ?? CaseStatus.allCases.filter(\.isOpen)
        let marks = statuses.map { _ in "?" }.joined(separator: ", ")
        // The state's JSON is read only where the queue needs it: SQLite parses the text anew for
        // every json_extract, and a county's open cases are counted in thousands.
        let needsPath = queue == .toIssue || queue == .toDeliver
        let needsFollowUp = queue == .followUp
        let sql = """
            SELECT c.number, c.status, c.holder, c.decider, c.clock,
                   \(needsPath ? "json_extract(c.state, '$.collectAt')" : "NULL") AS collect_at,
                   \(needsFollowUp ? "json_extract(c.state, '$.evaluation.followUp.openedOn')" : "NULL") AS follow_up,
                   \(needsFollowUp ? "json_extract(c.state, '$.evaluation.followUp.closedOn')" : "NULL") AS follow_up_closed
            FROM cases c
            WHERE c.status IN (\(marks))
            """
        let deadlines = DeadlineClock(calendar: calendar)
        var rows: [QueueRow] = []
        try db.forEachRow(sql, statuses.map { .text($0.rawValue) }) { row in
            guard let number = row.text("number"), let status = row.text("status").flatMap(CaseStatus.init(rawValue:)),
                let clockText = row.text("clock"), let clock = CaseClock(json: try JSONParser.parse(clockText))
            else { throw StoreError("corrupt_row", "cases 表中的一行无法读取") }
            let holder = row.text("holder") ?? ""
            let decider = row.text("decider") ?? ""
            if let queue {
                switch queue {
                case .toReview: guard holder == me else { return }
                case .toDecide: guard decider == me else { return }
                case .awaitingSupplement: break  // any party may record it; a node holds only its subtree's cases
                case .toIssue, .toDeliver:
                    let collectAt = row.text("collect_at") ?? ""
                    guard decider == me || (NodeCode.isAncestorOrSelf(me, of: collectAt) && NodeCode.isAncestorOrSelf(decider, of: me)) else { return }
                case .followUp: guard row.text("follow_up") != nil, row.text("follow_up_closed") == nil else { return }
                }
            }
            let limit = clock.dueDate(calendar: calendar, today: today)
            let due = clock.immediate ? nil : limit
            rows.append(QueueRow(number: number, status: status, holder: holder, dueDate: due,
                                 deadlineStatus: deadlines.status(dueDate: limit, today: today, completedOn: clock.completedOn),
                                 completed: clock.completedOn != nil, daysLeft: due.map { $0.dayNumber - today.dayNumber }))
        }
        rows.sort { a, b in
            if WorkQueue.moreUrgent((a.deadlineStatus, a.daysLeft), than: (b.deadlineStatus, b.daysLeft)) { return true }
            if WorkQueue.moreUrgent((b.deadlineStatus, b.daysLeft), than: (a.deadlineStatus, a.daysLeft)) { return false }
            return a.number < b.number
        }
        return rows
    }
}

extension NodeStore {
    /// The item name and masked applicant name of the cases shown on one page of a queue.
    public func queueDetails(_ numbers: [String]) throws -> [String: (itemName: String, applicant: String)] {
        var details: [String: (itemName: String, applicant: String)] = [:]
        for number in numbers {
            let row = try db.query("""
                SELECT i.name AS item_name, json_extract(c.state, '$.item.name') AS case_item, json_extract(c.state, '$.applicant.name') AS applicant
                FROM cases c LEFT JOIN items i ON i.code = c.item_code WHERE c.number = ?
                """, [.text(number)]).first
            details[number] = (row?.text("case_item") ?? row?.text("item_name") ?? "", Masking.name(row?.text("applicant") ?? ""))
        }
        return details
    }
}
