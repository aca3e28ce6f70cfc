import LiandongDomain

/// StoredConflict is one conflict as held here: its id, the cases it is on, its content and its resolution.
public struct StoredConflict: Sendable, Equatable {
    public var id: String
    public var entities: [String]
    public var rule: String
    public var resolver: String
    public var createdHLC: Int64
    /// The canonical JSON of the record (ConflictRecord.json): identical at every node holding its changes.
    public var detail: JSONValue
    public var resolution: JSONValue?

    public var isResolved: Bool { resolution != nil }

    /// What `conflicts list --json` prints for it.
    public var json: JSONValue {
        guard case .object(var fields) = detail else { return detail }
        fields["id"] = .string(id)
        fields["entity"] = .optional(entities.first)
        fields["status"] = .string(isResolved ? "resolved" : "open")
        fields["resolution"] = resolution ?? .null
        let last = fields["changes"]?.arrayValue?.last
        fields["change"] = last?["change"] ?? .null
        fields["kind"] = last?["kind"] ?? .null
        fields["payload"] = detail["values"]?["refused"]?["payload"] ?? .null
        return .object(fields)
    }
}

extension NodeStore {
    /// A conflict's id: the first 16 hex digits of SHA-256 of its rule and sorted change ids, so that
    /// every node holding the same changes names it the same (ConflictRecord.idMaterial).
    static func conflictID(_ record: ConflictRecord) -> String {
        String(SHA256.hex(Array(record.idMaterial.utf8)).prefix(16))
    }

    /// Records a conflict about a change that is not a case's (catalog, calendar, registry, unknown kinds).
    func recordConflict(for change: Change, rule: String, message: String, db: Database) throws {
        let record = ChangeKinds.refusal(change, rule: ConflictRule(rawValue: rule) ?? .invalidPayload, message: message)
        try insertConflict(record, entity: change.entity, resolution: nil, db: db)
    }

    func insertConflict(_ record: ConflictRecord, entity: String, resolution: ConflictResolution?, db: Database) throws {
        let statement = try db.cachedStatement("""
            INSERT OR REPLACE INTO conflicts (id, entity, rule, resolver, created_hlc, detail, resolution) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind([
            .text(NodeStore.conflictID(record)), .text(entity), .text(record.rule.rawValue), .text(record.resolver),
            .integer(record.createdHLC.rawValue), .text(record.json.canonicalString),
            resolution.map { .text($0.json.canonicalString) } ?? .null,
        ])
        try statement.run()
    }

    /// The conflict records of one case, resolutions joined: its own rules' records, a pending
    /// history, and an acceptance under an outdated item version.
    func caseRecords(_ history: CaseHistory) throws -> [(ConflictRecord, ConflictResolution?)] {
        var records = history.records
        if let pending = history.pendingRecord { records.append(pending) }
        if let outdated = try itemVersionRecord(history) { records.append(outdated) }
        return records.map { ($0, ConflictResolution.first(for: $0, id: NodeStore.conflictID($0), in: history.resolutions)) }
    }

    /// Rewrites the conflict records of one case (possible duplicates are its group's).
    func writeConflicts(of history: CaseHistory, db: Database) throws {
        guard history.state != nil || !history.early.isEmpty || !history.records.isEmpty else { return }
        try db.run("DELETE FROM conflicts WHERE entity = ? AND rule <> ?", .text(history.number), .text(ConflictRule.possibleDuplicate.rawValue))
        for (record, resolution) in try caseRecords(history) {
            try insertConflict(record, entity: history.number, resolution: resolution, db: db)
        }
    }

    /// item_version_at_acceptance (the rule: ItemVersionAtAcceptance), on the publications held here.
    func itemVersionRecord(_ history: CaseHistory) throws -> ConflictRecord? {
        guard let state = history.state, let opened = history.opened else { return nil }
        return ItemVersionAtAcceptance.record(state, opened: opened, publications: try publications(of: state.item.code))
    }

    /// The county's publications of an item held here, each with the version it published; cached
    /// until the next publication or a commit by another connection.
    func publications(of code: String) throws -> [(ref: ChangeRef, version: Int64)] {
        if let cached = pendingWrites.publications[code] { return cached }
        var found: [(ref: ChangeRef, version: Int64)] = []
        for change in try changes(ofEntity: EntityName.item(code)) where change.kind == CatalogKind.itemPublished && ChangeKinds.problem(of: change) == nil {
            if let version = change.payload["version"]?.intValue { found.append((ChangeRef(change), version)) }
        }
        pendingWrites.publications[code] = found
        return found
    }

    /// The conflict records held here, oldest first, one per id; open ones only unless `all`.
    public func conflicts(all: Bool = true) throws -> [StoredConflict] {
        var byID: [String: StoredConflict] = [:]
        var order: [String] = []
        // A possible duplicate is one row, named on each of its cases in conflict_cases.
        try db.forEachRow("""
            SELECT c.id, coalesce(m.entity, c.entity) AS entity, c.rule, c.resolver, c.created_hlc, c.detail, c.resolution
            FROM conflicts c LEFT JOIN conflict_cases m ON m.id = c.id ORDER BY c.created_hlc, c.id, entity
            """) { row in
            guard let id = row.text("id"), let entity = row.text("entity") else { return }
            if byID[id] != nil {
                byID[id]?.entities.append(entity)
                return
            }
            order.append(id)
            byID[id] = StoredConflict(
                id: id, entities: [entity], rule: row.text("rule") ?? "", resolver: row.text("resolver") ?? "",
                createdHLC: row.int64("created_hlc") ?? 0, detail: (try? JSONParser.parse(row.text("detail") ?? "{}")) ?? .null,
                resolution: try row.text("resolution").map { try JSONParser.parse($0) })
        }
        return order.compactMap { byID[$0] }.filter { all || !$0.isResolved }
    }

    /// The conflict records on one case, by id.
    public func conflicts(ofCase number: String) throws -> [StoredConflict] {
        try db.query("""
            SELECT id, rule, resolver, created_hlc, detail, resolution FROM conflicts WHERE entity = ? AND rule <> 'possible_duplicate'
            UNION ALL
            SELECT c.id, c.rule, c.resolver, c.created_hlc, c.detail, c.resolution FROM conflict_cases m JOIN conflicts c ON c.id = m.id WHERE m.entity = ?
            ORDER BY id
            """, [.text(number), .text(number)]).map { row in
            StoredConflict(
                id: row.text("id") ?? "", entities: [number], rule: row.text("rule") ?? "", resolver: row.text("resolver") ?? "",
                createdHLC: row.int64("created_hlc") ?? 0, detail: (try? JSONParser.parse(row.text("detail") ?? "{}")) ?? .null,
                resolution: try row.text("resolution").map { try JSONParser.parse($0) })
        }
    }
}
