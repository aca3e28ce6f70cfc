import LiandongDomain

/// NoticeFilter selects one-time notices: by issuing node (with its subtree), item and period.
public struct NoticeFilter: Sendable {
    public var node: String?
    public var itemCode: String?
    public var from: LocalDate?
    public var to: LocalDate?

    public init(node: String? = nil, itemCode: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.node = node
        self.itemCode = itemCode
        self.from = from
        self.to = to
    }

    /// The SQL `WHERE` clause and its arguments selecting rows in this filter, for a table whose
    /// issuing node and day are in `nodeColumn` and `dayColumn` (ISO dates compare as text). A node
    /// keeps its whole subtree: codes extend their parent's (DESIGN §4).
    func sqlWhere(nodeColumn: String, dayColumn: String) throws -> (clause: String, arguments: [SQLValue]) {
        if let from, let to, from > to {
            throw StoreError("invalid_period", "开始日期 \(from.iso) 晚于结束日期 \(to.iso)")
        }
        var clauses: [String] = []
        var arguments: [SQLValue] = []
        if let node {
            clauses.append("\(nodeColumn) >= ? AND \(nodeColumn) < ?")
            arguments += [.text(node), .text(node + "\u{7F}")]
        }
        if let itemCode {
            clauses.append("item_code = ?")
            arguments.append(.text(itemCode))
        }
        if let from {
            clauses.append("\(dayColumn) >= ?")
            arguments.append(.text(from.iso))
        }
        if let to {
            clauses.append("\(dayColumn) <= ?")
            arguments.append(.text(to.iso))
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }
}

extension NodeStore {
    /// Records the one-time notice (一次性告知书, 行政许可法 art. 32) for an application that is
    /// missing required materials: every missing one at once, with its document number. The
    /// application is not accepted; the notice is a change like any other, so the county sees it.
    /// Throws when nothing is missing (there is nothing to tell).
    public func issueOneTimeNotice(_ request: AcceptRequest, note: String? = nil) throws -> OneTimeNotice {
        guard let item = try item(code: request.itemCode) else {
            throw StoreError("unknown_item", "事项目录中没有事项 \(request.itemCode)", details: ["item": request.itemCode])
        }
        var request = request
        request.applicant = try normalized(request.applicant)
        try validate(request.applicant)
        try checkText(request)
        if let note, let problem = TextRules.problem(note, TextRules.paragraph) { throw StoreError("invalid_text", "说明\(problem)") }
        let missing = item.missingMaterials(provided: Set(request.materials))
        guard !missing.isEmpty else {
            throw StoreError("nothing_missing", "材料齐全，无需一次性告知，请直接受理", details: ["item": request.itemCode])
        }
        let owed = missing.map { CaseError.MissingMaterial(id: $0.id, name: $0.name) }
        let change = try writeRecording { db -> Change in
            let instant = now()
            let number = try issueDocumentNumber(.oneTimeNotice, year: LocalDate(epochMillis: instant).year, db: db).description
            guard case .object(var fields) = OneTimeNotice.payload(item: item, applicant: request.applicant, owed: owed, note: note) else {
                throw StoreError("invalid_notice", "一次性告知书数据无效")
            }
            fields["documentNumber"] = .string(number)
            let draft = ChangeDraft(actor: request.actor, entity: NoticeKind.entity(number), kind: NoticeKind.oneTimeIssued, payload: .object(fields))
            return try recordInTransaction([draft], db: db, at: instant)[0]
        }
        return try OneTimeNotice(change)
    }

    /// Keeps a notice change in the `notices` table; a malformed one is a conflict record.
    func materializeNotice(_ change: Change, db: Database, strict: Bool) throws {
        guard try !refusedByKindRules(change, db: db, strict: strict) else { return }
        let notice = try OneTimeNotice(change)
        try db.run("""
            INSERT OR REPLACE INTO notices (number, lsn, origin, item_code, applicant_id, issued_on, wall, body)
            VALUES (?, (SELECT lsn FROM changes WHERE origin = ? AND seq = ?), ?, ?, ?, ?, ?, ?)
            """, .text(notice.number), .text(change.origin), .integer(change.seq), .text(notice.node), .text(notice.itemCode),
            .text(notice.applicant.idNumber), .text(notice.issuedOn.iso), .integer(notice.wall),
            .text(notice.json(masked: false).canonicalString))
    }

    /// The one-time notices this node holds (its own and its subtree's), newest first; the
    /// applicant's name and ID number masked unless `masked` is false (GB/T 35273: lists are masked).
    public func oneTimeNotices(_ filter: NoticeFilter = NoticeFilter(), masked: Bool = true) throws -> [JSONValue] {
        let (whereClause, args) = try filter.sqlWhere(nodeColumn: "origin", dayColumn: "issued_on")
        return try db.query("SELECT body FROM notices \(whereClause) ORDER BY wall DESC, number", args).compactMap { row in
            guard let text = row.text("body"), case .object(var fields)? = try? JSONParser.parse(text) else { return nil }
            if masked, case .object(var applicant)? = fields["applicant"] {
                applicant["name"] = applicant["name"]?.stringValue.map { .string(Masking.name($0)) }
                applicant["idNumber"] = applicant["idNumber"]?.stringValue.map { .string(Masking.idNumber($0)) }
                fields["applicant"] = .object(applicant)
            }
            return .object(fields)
        }
    }
}
