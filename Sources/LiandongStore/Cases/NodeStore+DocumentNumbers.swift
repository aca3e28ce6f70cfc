import LiandongDomain

extension NodeStore {
    /// The payload of a change about to be recorded here with its document number (文号) stamped in,
    /// for the kinds that issue a document: the next number of this node's series for the year of
    /// `wall`. Always the store's own number: a caller cannot choose one.
    func stampingDocumentNumber(_ draft: ChangeDraft, wall: Int64, db: Database) throws -> JSONValue {
        guard let kind = DocumentKind(changeKind: draft.kind), kind != .oneTimeNotice, case .object(var fields) = draft.payload else {
            return draft.payload
        }
        fields["documentNumber"] = .string(try issueDocumentNumber(kind, year: LocalDate(epochMillis: wall).year, db: db).description)
        return .object(fields)
    }

    /// The next unused number of a series and year: the counter, advanced past it.
    func issueDocumentNumber(_ kind: DocumentKind, year: Int, db: Database) throws -> DocumentNumber {
        let next = try db.scalarInt("SELECT next FROM document_counters WHERE series = ? AND year = ?", [.text(kind.rawValue), .integer(Int64(year))]) ?? 1
        try db.run("INSERT OR REPLACE INTO document_counters (series, year, next) VALUES (?, ?, ?)",
                   .text(kind.rawValue), .integer(Int64(year)), .integer(next + 1))
        return DocumentNumber(node: identity.code, kind: kind, year: year, sequence: next)
    }

    /// Advances a series' counter past a number this node issued, whenever a change of its own is
    /// stored by any path (recorded, or adopted back from the parent after a restore), so that a
    /// restored node never issues a number twice.
    func noteDocumentNumberIssued(by change: Change, db: Database) throws {
        guard change.origin == identity.code, DocumentKind(changeKind: change.kind) != nil,
            let text = change.payload["documentNumber"]?.stringValue, let number = DocumentNumber(text), number.node == identity.code
        else { return }
        let statement = try db.cachedStatement("""
            INSERT INTO document_counters (series, year, next) VALUES (?, ?, ?)
            ON CONFLICT (series, year) DO UPDATE SET next = max(next, excluded.next)
            """)
        try statement.bind(number.kind.rawValue, at: 1)
        try statement.bind(Int64(number.year), at: 2)
        try statement.bind(number.sequence + 1, at: 3)
        try statement.run()
    }

    /// New numbers for the set-aside changes of a restore rebase whose number an adopted copy
    /// already carries (both were issued from a counter as old as the backup), by the old seq.
    func restampingDocumentNumbers(_ drafts: [Change], taken copies: [Change], db: Database) throws -> [Int64: String] {
        let used = Set(copies.compactMap { $0.payload["documentNumber"]?.stringValue })
        var result: [Int64: String] = [:]
        for draft in drafts {
            guard let text = draft.payload["documentNumber"]?.stringValue, used.contains(text), let old = DocumentNumber(text) else { continue }
            result[draft.seq] = try issueDocumentNumber(old.kind, year: old.year, db: db).description
        }
        return result
    }
}

extension JSONValue {
    /// An acceptance signed again under a new number names the old one (`renumberedFrom`), so that
    /// every replica can point the applicant's receipt (old number, query code) to the case.
    func notingRenumbering(from old: String?) -> JSONValue {
        guard let old, case .object(var fields) = self else { return self }
        fields["renumberedFrom"] = .string(old)
        return .object(fields)
    }

    /// The payload with its `documentNumber` replaced, when a new one is given.
    func replacingDocumentNumber(_ number: String?) -> JSONValue {
        guard let number, case .object(var fields) = self else { return self }
        fields["documentNumber"] = .string(number)
        return .object(fields)
    }
}
