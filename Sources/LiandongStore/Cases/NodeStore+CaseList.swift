import LiandongDomain

/// CaseSummary is one line of `case list`: read from the stored state without a replay, masked.
public struct CaseSummary: Sendable {
    public let number: String
    public let status: CaseStatus
    public let dueDate: LocalDate?
    public let deadlineStatus: DeadlineStatus
    public let json: JSONValue
}

/// CaseFilter narrows `case list`.
public struct CaseFilter: Sendable {
    public var status: CaseStatus?
    public var deadline: DeadlineStatus?
    public var itemCode: String?
    public var openOnly: Bool

    public init(status: CaseStatus? = nil, deadline: DeadlineStatus? = nil, itemCode: String? = nil, openOnly: Bool = false) {
        self.status = status
        self.deadline = deadline
        self.itemCode = itemCode
        self.openOnly = openOnly
    }
}

extension NodeStore {
    /// The cases held here, newest first, with due dates computed for today.
    public func listCases(_ filter: CaseFilter = CaseFilter()) throws -> [CaseSummary] {
        let calendar = try self.calendar()
        let today = self.today
        var sql = "SELECT number, status, state, clock FROM cases WHERE 1 = 1"
        var args: [SQLValue] = []
        if let status = filter.status {
            sql += " AND status = ?"
            args.append(.text(status.rawValue))
        }
        if let item = filter.itemCode {
            sql += " AND item_code = ?"
            args.append(.text(item))
        }
        sql += " ORDER BY accepted_at DESC, number DESC"
        var result: [CaseSummary] = []
        try db.forEachRow(sql, args) { row in
            guard let number = row.text("number"), let status = row.text("status").flatMap(CaseStatus.init(rawValue:)),
                let stateText = row.text("state"), let clockText = row.text("clock"),
                let clock = CaseClock(json: try JSONParser.parse(clockText))
            else {
                throw StoreError("corrupt_row", "cases 表中的一行无法读取")
            }
            if filter.openOnly, !status.isOpen { return }
            let state = try JSONParser.parse(stateText)
            // A poor rating's open follow-up (回访整改) runs on the board with its own due date.
            var followUpDue: LocalDate?
            var followUpStatus: DeadlineStatus?
            if let followUp = state["evaluation"]?["followUp"], followUp["closedOn"]?.isNull ?? true,
                let opened = followUp["openedOn"]?.stringValue.flatMap(LocalDate.init(iso:)), let days = followUp["workingDays"]?.intValue
            {
                let due = FollowUp(openedOn: opened, workingDays: Int(days), closedOn: nil, result: nil).dueDate(calendar: calendar)
                followUpDue = due
                followUpStatus = DeadlineClock(calendar: calendar).status(dueDate: due, today: today, completedOn: nil)
            }
            let deadline = clock.completedOn == nil ? clock.status(calendar: calendar, today: today) : followUpStatus ?? clock.status(calendar: calendar, today: today)
            if let wanted = filter.deadline, wanted != deadline { return }
            // A deadline filter is about cases still running: finished ones are not "due soon" (an open follow-up is running).
            if filter.deadline != nil, clock.completedOn != nil, followUpDue == nil { return }
            let due = !clock.hasDueDate || status == .refused ? nil : clock.dueDate(calendar: calendar, today: today)
            var fields: [String: JSONValue] = [
                "number": .string(number), "state": .string(status.rawValue), "stateName": .string(status.chineseName),
                "item": state["item"]?["code"] ?? .null, "itemName": state["item"]?["name"] ?? .null,
                "applicant": .string(Masking.name(state["applicant"]?["name"]?.stringValue ?? "")),
                "idNumber": .string(Masking.idNumber(state["applicant"]?["idNumber"]?.stringValue ?? "")),
                "phone": .string(Masking.phone(state["applicant"]?["phone"]?.stringValue ?? "")),
                "holder": state["holder"] ?? .null, "acceptedOn": .string(clock.acceptedOn.iso),
                "deadlineStatus": .string(deadline.rawValue),
            ]
            if let due { fields["dueDate"] = .string(due.iso) }
            if let followUpDue { fields["followUpDue"] = .string(followUpDue.iso) }
            if clock.completedOn == nil, !clock.refused,
                let warning = CalendarWarning.message(CalendarWarning.years(
                    from: clock.acceptedOn, to: max(due ?? clock.acceptedOn, clock.legalDueDate(calendar: calendar, today: today)), calendar: calendar))
            {
                fields["calendarWarning"] = .string(warning)
            }
            result.append(CaseSummary(number: number, status: status, dueDate: due, deadlineStatus: deadline, json: .object(fields)))
        }
        return result
    }

    /// The view of one case for `case show`.
    public func caseView(_ number: String) throws -> CaseView {
        guard let state = try caseState(number) else { throw CaseError.caseNotFound(number) }
        return CaseView(state: state, calendar: try calendar(), today: today)
    }
}
