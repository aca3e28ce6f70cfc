import LiandongDomain

extension NodeStore {
    /// Publishes a catalog (事项目录): one change per item that is new or differs from what is
    /// held, so importing the same file twice records nothing. Only the county publishes.
    @discardableResult
    public func importCatalog(_ json: JSONValue, actor: String) throws -> (published: [ServiceItem], unchanged: Int) {
        guard identity.role == .county else {
            throw StoreError("not_authorized", "只有县政务服务中心可以发布事项目录；本节点的目录由上级同步而来")
        }
        let items = try ServiceItem.parseCatalog(json)
        var drafts: [ChangeDraft] = []
        var published: [ServiceItem] = []
        for item in items {
            if let current = try self.item(code: item.code), current == item { continue }
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

    func materializeItem(_ change: Change, db: Database, strict: Bool) throws {
        guard NodeCode.role(of: change.origin) == .county else {
            if strict { throw StoreError("not_authorized", "只有县政务服务中心可以发布事项目录") }
            try recordConflict(for: change, rule: "not_authorized", message: "节点 \(change.origin) 无权发布事项目录", db: db)
            return
        }
        let item: ServiceItem
        do {
            item = try ServiceItem.parse(change.payload)
        } catch {
            if strict { throw error }
            try recordConflict(for: change, rule: "invalid_payload", message: "事项数据无效：\(error)", db: db)
            return
        }
        // Last writer by (hlc, origin) wins, so every node ends with the same item.
        try db.run("""
            INSERT INTO items (code, version, name, json, hlc, origin) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET version = excluded.version, name = excluded.name, json = excluded.json,
                hlc = excluded.hlc, origin = excluded.origin
            WHERE excluded.hlc > items.hlc OR (excluded.hlc = items.hlc AND excluded.origin > items.origin)
            """,
            .text(item.code), .integer(Int64(item.version)), .text(item.name), .text(item.json.canonicalString),
            .integer(change.hlc.rawValue), .text(change.origin))
    }

    func materializeCalendarYear(_ change: Change, db: Database, strict: Bool) throws {
        guard NodeCode.role(of: change.origin) == .county else {
            if strict { throw StoreError("not_authorized", "只有县政务服务中心可以设置工作日历") }
            try recordConflict(for: change, rule: "not_authorized", message: "节点 \(change.origin) 无权设置工作日历", db: db)
            return
        }
        let year: CalendarYear
        do {
            year = try CalendarYear.parse(change.payload)
        } catch {
            if strict { throw error }
            try recordConflict(for: change, rule: "invalid_payload", message: "日历数据无效：\(error)", db: db)
            return
        }
        try db.run("""
            INSERT INTO calendar_years (year, json, hlc, origin) VALUES (?, ?, ?, ?)
            ON CONFLICT (year) DO UPDATE SET json = excluded.json, hlc = excluded.hlc, origin = excluded.origin
            WHERE excluded.hlc > calendar_years.hlc OR (excluded.hlc = calendar_years.hlc AND excluded.origin > calendar_years.origin)
            """,
            .integer(Int64(year.year)), .text(year.json.canonicalString), .integer(change.hlc.rawValue), .text(change.origin))
        calendarCache = nil
    }
}
