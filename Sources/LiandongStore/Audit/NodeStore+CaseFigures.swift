import LiandongDomain

extension NodeStore {
    /// Keeps a case's figures beside its row (CaseStatistics.kept), or drops them while its clock
    /// is paused (counted live).
    func writeFigures(of state: CaseState, db: Database) throws {
        let figures = CaseStatistics.kept(CaseFacts(state), clock: CaseClock(state: state), calendar: try calendarForWrites())
        try storeFigures(figures, number: state.number, acceptor: state.acceptor, item: state.item.code, itemName: state.item.name,
                         acceptedOn: state.acceptedOn, db: db)
    }

    private func storeFigures(_ kept: KeptFigures?, number: String, acceptor: String, item: String, itemName: String,
                              acceptedOn: LocalDate, db: Database) throws {
        guard let kept else {
            let drop = try db.cachedStatement("DELETE FROM case_figures WHERE number = ?")
            try drop.bind([.text(number)])
            try drop.run()
            return
        }
        let keep = try db.cachedStatement(NodeStore.keepFigures)
        try keep.bind([.text(number), .text(acceptor), .text(item), .text(itemName), .text(acceptedOn.iso), kept.overdueAfter.map { .text($0.iso) } ?? .null]
            + kept.figures.counts.map { .integer(Int64($0)) })
        try keep.run()
    }

    /// Made once: the statement cache is keyed by the text.
    static let keepFigures = """
        INSERT OR REPLACE INTO case_figures (number, acceptor, item_code, item_name, accepted_on, overdue_after, \(CaseStatistics.countNames.joined(separator: ", ")))
        VALUES (?, ?, ?, ?, ?, ?, \(CaseStatistics.countNames.map { _ in "?" }.joined(separator: ", ")))
        """

    /// The calendar as this transaction sees it, without looking for other connections' commits
    /// in the middle of a write.
    func calendarForWrites() throws -> WorkingCalendar {
        if let calendarCache { return calendarCache }
        let calendar = WorkingCalendar(years: try calendarYears())
        calendarCache = calendar
        return calendar
    }

    /// The facts and clock of each case row the statistics read, in one `json_extract` of several
    /// paths (one parse of the state per row; SQLite 3.40 parses again for every call).
    func forEachCaseFacts(where condition: String, _ args: [SQLValue] = [], _ body: (CaseRowFacts) throws -> Void) throws {
        try db.forEachRow("""
            SELECT number, item_code, acceptor, accepted_on, clock,
                json_extract(state, '$.item.name', '$.supplementRounds', '$.decision.approved', '$.decision',
                    '$.evaluation.level', '$.evaluation.followUp.openedOn', '$.evaluation.followUp.workingDays',
                    '$.evaluation.followUp.closedOn') AS facts
            FROM cases WHERE \(condition)
            """, args) { row in
            guard let number = row.text("number"), let code = row.text("item_code"), let acceptor = row.text("acceptor"),
                let acceptedOn = row.text("accepted_on").flatMap(LocalDate.init(iso:)),
                let clockText = row.text("clock"), let clock = CaseClock(json: try JSONParser.parse(clockText)),
                let factsText = row.text("facts"), let values = try JSONParser.parse(Array(factsText.utf8)).arrayValue, values.count == 8
            else { return }
            let decided = !values[3].isNull
            let facts = CaseFacts(
                supplementRounds: Int(values[1].intValue ?? 0), decided: decided, approved: decided ? values[2].boolValue : nil,
                evaluationLevel: values[4].intValue.map(Int.init), followUpOpenedOn: values[5].stringValue.flatMap(LocalDate.init(iso:)),
                followUpWorkingDays: values[6].intValue.map(Int.init), followUpClosedOn: values[7].stringValue.flatMap(LocalDate.init(iso:)))
            try body(CaseRowFacts(number: number, item: code, itemName: values[0].stringValue ?? code, acceptor: acceptor,
                                  acceptedOn: acceptedOn, clock: clock, facts: facts))
        }
    }

    /// Re-derives every case's kept figures from the case rows: after the calendar they were
    /// counted on changed, and once after the migration that added them.
    func recomputeKeptFigures(db: Database) throws {
        let calendar = try calendarForWrites()
        try db.run("DELETE FROM case_figures")
        try forEachCaseFacts(where: "1") { row in
            guard let kept = CaseStatistics.kept(row.facts, clock: row.clock, calendar: calendar) else { return }
            try storeFigures(kept, number: row.number, acceptor: row.acceptor, item: row.item, itemName: row.itemName,
                             acceptedOn: row.acceptedOn, db: db)
        }
    }

    func rebuildFiguresIfAsked() throws {
        guard try db.query("SELECT value FROM settings WHERE key = 'rebuild_case_figures'").first != nil else { return }
        try writeRecordingUnguarded { db in
            try recomputeKeptFigures(db: db)
            try db.run("DELETE FROM settings WHERE key = 'rebuild_case_figures'")
        }
    }

    /// Compares the kept figures with those of the replayed states (`expected`: the cases counted from kept figures).
    func verifyFigures(_ expected: [String: KeptFigures], _ report: inout VerifyReport, db: Database) throws {
        var expected = expected
        try db.forEachRow("SELECT number, overdue_after, \(CaseStatistics.countNames.joined(separator: ", ")) FROM case_figures") { row in
            guard let number = row.text("number") else { return }
            let have = KeptFigures(figures: CaseStatistics(counts: CaseStatistics.countNames.map { Int(row.int64($0) ?? -1) }),
                                   overdueAfter: row.text("overdue_after").flatMap(LocalDate.init(iso:)))
            guard let want = expected.removeValue(forKey: number) else {
                report.problems.append(VerifyProblem(code: "figures_orphan", entity: number, change: nil,
                                                     message: "办件 \(number) 有统计数据，但按日志重放它正在暂停计时，应实时统计"))
                return
            }
            if want != have {
                report.problems.append(VerifyProblem(code: "figures_mismatch", entity: number, change: nil,
                                                     message: "办件 \(number) 的统计数据与日志重放结果不一致：被改动过"))
            }
        }
        for number in expected.keys.sorted() {
            report.problems.append(VerifyProblem(code: "figures_missing", entity: number, change: nil,
                                                 message: "办件 \(number) 没有统计数据"))
        }
    }
}

/// What the statistics read of one case row.
struct CaseRowFacts {
    let number: String
    let item: String
    let itemName: String
    let acceptor: String
    let acceptedOn: LocalDate
    let clock: CaseClock
    let facts: CaseFacts
}
