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
        try db.forEachRow("SELECT item_code, status, acceptor, state, clock FROM cases") { row in
            guard let code = row.text("item_code"), let acceptor = row.text("acceptor"), let stateText = row.text("state"),
                let clockText = row.text("clock"), let clock = CaseClock(json: try JSONParser.parse(clockText))
            else { return }
            guard tally.includes(origin: acceptor) else { return }
            let state = try JSONParser.parse(stateText)
            let acceptedOn = state["acceptedOn"]?.stringValue.flatMap(LocalDate.init(iso:)) ?? clock.acceptedOn
            if let from, acceptedOn < from { return }
            if let to, acceptedOn > to { return }
            let stats = CaseStatistics.figures(
                state: state, clock: clock, refused: row.text("status") == CaseStatus.refused.rawValue,
                calendar: calendar, deadlines: deadlines, today: clockToday)
            tally.count(stats, at: acceptor, item: code, itemName: state["item"]?["name"]?.stringValue ?? code)
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
