import LiandongDomain

extension NodeStore {
    /// Statistics over the cases held here (the definitions: CaseStatistics.figures in LiandongDomain), overall, per item and per node
    /// with its subtree; `node` keeps only that node's subtree. Refusals are counted as refusals, not
    /// as cases handled; one-time notices by the day they were given. `from` after `to` is an error.
    public func statistics(from: LocalDate? = nil, to: LocalDate? = nil, node: String? = nil) throws -> StatisticsReport {
        if let from, let to, from > to {
            throw StoreError("invalid_period", "统计期间的开始日期 \(from.iso) 晚于结束日期 \(to.iso)")
        }
        let calendar = try self.calendar()
        let clockToday = today
        let deadlines = DeadlineClock(calendar: calendar)
        var tally = StatisticsTally(within: node)
        // Only the facts the definitions read, extracted by SQLite (one parse of the state per row,
        // cached across the calls): decoding every case's whole state made 统计 take seconds.
        try db.forEachRow("""
            SELECT item_code, status, acceptor, clock, json_extract(state, '$.acceptedOn') AS accepted_on,
                json_extract(state, '$.item.name') AS item_name, json_extract(state, '$.supplementRounds') AS rounds,
                json_type(state, '$.decision') AS decision, json_extract(state, '$.decision.approved') AS approved,
                json_extract(state, '$.evaluation.level') AS level, json_extract(state, '$.evaluation.followUp.openedOn') AS follow_up_opened,
                json_extract(state, '$.evaluation.followUp.workingDays') AS follow_up_days,
                json_extract(state, '$.evaluation.followUp.closedOn') AS follow_up_closed
            FROM cases
            """) { row in
            guard let code = row.text("item_code"), let acceptor = row.text("acceptor"), tally.includes(origin: acceptor),
                let clockText = row.text("clock"), let clock = CaseClock(json: try JSONParser.parse(clockText))
            else { return }
            let acceptedOn = row.text("accepted_on").flatMap(LocalDate.init(iso:)) ?? clock.acceptedOn
            if let from, acceptedOn < from { return }
            if let to, acceptedOn > to { return }
            let decided = row.text("decision").map { $0 != "null" } ?? false
            let facts = CaseFacts(
                supplementRounds: Int(row.int64("rounds") ?? 0), decided: decided, approved: decided ? row.int64("approved").map { $0 != 0 } : nil,
                evaluationLevel: row.int64("level").map(Int.init), followUpOpenedOn: row.text("follow_up_opened").flatMap(LocalDate.init(iso:)),
                followUpWorkingDays: row.int64("follow_up_days").map(Int.init), followUpClosedOn: row.text("follow_up_closed").flatMap(LocalDate.init(iso:)))
            let stats = CaseStatistics.figures(facts, clock: clock, refused: row.text("status") == CaseStatus.refused.rawValue,
                                               calendar: calendar, deadlines: deadlines, today: clockToday)
            tally.count(stats, at: acceptor, item: code, itemName: row.text("item_name") ?? code)
        }
        for notice in try oneTimeNotices(NoticeFilter(node: node, from: from, to: to), masked: true) {
            guard let origin = notice["node"]?.stringValue, let code = notice["item"]?["code"]?.stringValue else { continue }
            var stats = CaseStatistics()
            stats.oneTimeNotices = 1
            tally.count(stats, at: origin, item: code, itemName: notice["item"]?["name"]?.stringValue ?? code)
        }
        // A period reaching into a year without a published calendar is counted on weekdays only.
        let years = from.flatMap { from in to.map { (from.year...$0.year).map { $0 } } } ?? []
        return tally.report(calendarWarning: CalendarWarning.message(years.filter { !calendar.covers(year: $0) })
            ?? CalendarWarning.upcomingYear(calendar: calendar, today: clockToday).map(CalendarWarning.upcomingMessage))
    }
}
