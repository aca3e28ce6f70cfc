import LiandongDomain

extension NodeStore {
    /// Publishes a catalog (事项目录): one change per item that is new or differs from what is
    /// held, so importing the same file twice records nothing. Only the county publishes. A changed
    /// item must carry a higher version: a case records the version it was accepted under (DESIGN §6),
    /// so one version must never name two different items; a file with such an item publishes nothing.
    @discardableResult
    public func importCatalog(_ json: JSONValue, actor: String) throws -> (published: [ServiceItem], unchanged: Int) {
        guard identity.role == .county else {
            throw StoreError("not_authorized", "只有县政务服务中心可以发布事项目录；本节点的目录由上级同步而来")
        }
        let items = try ServiceItem.parseCatalog(json)
        var drafts: [ChangeDraft] = []
        var published: [ServiceItem] = []
        for item in items {
            if let current = try self.item(code: item.code) {
                if current == item { continue }
                guard item.version > current.version else {
                    throw StoreError(
                        "item_version_not_raised",
                        "事项 \(item.code)「\(item.name)」的内容有变化，版本号应高于当前的 \(current.version)（文件中为 \(item.version)）",
                        details: ["item": item.code, "current": String(current.version), "imported": String(item.version)])
                }
            }
            drafts.append(ChangeDraft(actor: actor, entity: EntityName.item(item.code), kind: CatalogKind.itemPublished, payload: item.json))
            published.append(item)
        }
        if !drafts.isEmpty { try record(drafts) }
        return (published, items.count - published.count)
    }

    /// Sets the working-day calendar of one year (节假日与调休). Only the county sets it.
    @discardableResult
    public func setCalendarYear(_ json: JSONValue, actor: String) throws -> CalendarYear {
        guard identity.role == .county else {
            throw StoreError("not_authorized", "只有县政务服务中心可以设置工作日历；本节点的日历由上级同步而来")
        }
        let year = try CalendarYear.parse(json)
        try record(ChangeDraft(actor: actor, entity: EntityName.calendar(year.year), kind: CatalogKind.calendarYearSet, payload: year.json))
        return year
    }

    public func item(code: String) throws -> ServiceItem? {
        guard let row = try db.query("SELECT json FROM items WHERE code = ?", [.text(code)]).first, let text = row.text("json") else {
            return nil
        }
        return try ServiceItem.parse(try JSONParser.parse(text))
    }

    public func items() throws -> [ServiceItem] {
        try db.query("SELECT json FROM items ORDER BY code").compactMap { row in
            guard let text = row.text("json") else { return nil }
            return try ServiceItem.parse(try JSONParser.parse(text))
        }
    }

    public func calendarYears() throws -> [CalendarYear] {
        try db.query("SELECT json FROM calendar_years ORDER BY year").compactMap { row in
            guard let text = row.text("json") else { return nil }
            return try CalendarYear.parse(try JSONParser.parse(text))
        }
    }

    /// The county's working-day calendar as held here (weekdays only for years it does not cover).
    public func calendar() throws -> WorkingCalendar {
        try refreshIfChangedElsewhere()
        if let calendarCache { return calendarCache }
        let calendar = WorkingCalendar(years: try calendarYears())
        calendarCache = calendar
        return calendar
    }

    /// Applies a county publication (item, calendar year, setting): the store asks the domain
    /// whether it replaces the one held for its entity (CountyPublication.replaces) and keeps the row.
    func materializePublication(_ change: Change, db: Database, strict: Bool) throws {
        guard try !refusedByKindRules(change, db: db, strict: strict), let publication = CountyPublication(change) else { return }
        let (table, keyColumn, key) = NodeStore.publicationRow(publication.subject)
        if let held = try db.query("SELECT hlc, origin FROM \(table) WHERE \(keyColumn) = ?", [key]).first,
            !publication.replaces(heldHLC: HLC(rawValue: held.int64("hlc") ?? 0), heldOrigin: held.text("origin") ?? "")
        {
            return
        }
        let stamp: [SQLValue] = [.text(publication.json.canonicalString), .integer(publication.hlc.rawValue), .text(publication.origin)]
        switch publication.subject {
        case .item(let item):
            try db.run("INSERT OR REPLACE INTO items (code, version, name, json, hlc, origin) VALUES (?, ?, ?, ?, ?, ?)",
                       [key, .integer(Int64(item.version)), .text(item.name)] + stamp)
        case .calendarYear:
            try db.run("INSERT OR REPLACE INTO calendar_years (year, json, hlc, origin) VALUES (?, ?, ?, ?)", [key] + stamp)
            calendarCache = nil
            // Every kept figure was counted on the old calendar (due dates, working days).
            try recomputeKeptFigures(db: db)
        case .setting:
            try db.run("INSERT OR REPLACE INTO county_settings (kind, json, hlc, origin) VALUES (?, ?, ?, ?)", [key] + stamp)
        }
    }

    /// Where a publication's entity is kept: its table, key column and key.
    static func publicationRow(_ subject: CountyPublication.Subject) -> (table: String, keyColumn: String, key: SQLValue) {
        switch subject {
        case .item(let item): return ("items", "code", .text(item.code))
        case .calendarYear(let year): return ("calendar_years", "year", .integer(Int64(year.year)))
        case .setting(let kind, _): return ("county_settings", "kind", .text(kind))
        }
    }
}
