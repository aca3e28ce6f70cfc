import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreCatalogTests: NodeStoreTestCase {
    /// The example catalog with one item edited by `edit`.
    private func catalog(editing code: String, _ edit: (inout [String: JSONValue]) -> Void) throws -> JSONValue {
        guard case .object(var document) = try Examples.catalog(), case .array(var items) = document["items"] else {
            throw StoreError("test_fixture", "unexpected catalog shape")
        }
        for index in items.indices {
            guard case .object(var item) = items[index], item["code"]?.stringValue == code else { continue }
            edit(&item)
            items[index] = .object(item)
        }
        document["items"] = .array(items)
        return .object(document)
    }

    func testImportingTheSameCatalogTwiceRecordsNothingTheSecondTime() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        let first = try store.importCatalog(try Examples.catalog(), actor: "admin")
        XCTAssertEqual(first.published.count, 13)
        XCTAssertEqual(first.unchanged, 0)
        let changes = try store.count("SELECT count(*) FROM changes")
        let second = try store.importCatalog(try Examples.catalog(), actor: "admin")
        XCTAssertEqual(second.published.count, 0)
        XCTAssertEqual(second.unchanged, 13)
        XCTAssertEqual(try store.count("SELECT count(*) FROM changes"), changes)
        XCTAssertEqual(try store.items().count, 13)
    }

    func testAChangedItemIsPublishedAgainAndOnlyIt() throws {
        let store = try makeCounty(calendar: false)
        let edited = try catalog(editing: Items.relief) { item in
            item["version"] = 2
            item["promisedLimit"] = ["days": 7, "unit": "working"]
        }
        let result = try store.importCatalog(edited, actor: "admin")
        XCTAssertEqual(result.published.map(\.code), [Items.relief])
        XCTAssertEqual(result.unchanged, 12)
        let item = try XCTUnwrap(try store.item(code: Items.relief))
        XCTAssertEqual(item.version, 2)
        XCTAssertEqual(item.promisedLimit, TimeLimit(days: 7, unit: .working))
        XCTAssertEqual(try store.changes(ofEntity: EntityName.item(Items.relief)).count, 2, "both versions stay in the log")
        XCTAssertEqual(try rawDatabase().scalarInt("SELECT version FROM items WHERE code = ?", [.text(Items.relief)]), 2)
    }

    func testAChangedItemMustCarryAHigherVersion() throws {
        // ServiceItem.version: "a change to an item publishes a higher version"; a case records the
        // version it was accepted under, so one version must never name two different items.
        let store = try makeCounty(calendar: false)
        let sameVersion = try catalog(editing: Items.relief) { item in item["promisedLimit"] = ["days": 7, "unit": "working"] }
        let changes = try store.count("SELECT count(*) FROM changes")
        let error = assertStoreError("item_version_not_raised") { try store.importCatalog(sameVersion, actor: "admin") }
        XCTAssertEqual(error?.details["item"], Items.relief)
        XCTAssertEqual(try store.count("SELECT count(*) FROM changes"), changes, "nothing of the file is published")
        XCTAssertEqual(try store.item(code: Items.relief)?.promisedLimit.days, 10)
    }

    func testOnlyTheCountyPublishesTheCatalogOrTheCalendar() throws {
        let township = try NodeStore.initialize(directory: nodeDirectory("township"), role: .township, code: "330106001", name: "转塘分中心", now: clock.closure)
        assertStoreError("not_authorized") { try township.importCatalog(try Examples.catalog(), actor: "admin") }
        assertStoreError("not_authorized") { try township.setCalendarYear(try Examples.calendar2026(), actor: "admin") }
        XCTAssertEqual(try township.count("SELECT count(*) FROM changes"), 0)
        XCTAssertTrue(try township.items().isEmpty)
    }

    func testAnInvalidCatalogIsRejectedWholeNamingTheItem() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        let broken = try catalog(editing: Items.business) { item in item["legalLimit"] = ["days": -1, "unit": "working"] }
        XCTAssertThrowsError(try store.importCatalog(broken, actor: "admin")) { error in
            XCTAssertTrue("\(error)".contains(Items.business), "\(error)")
        }
        XCTAssertEqual(try store.count("SELECT count(*) FROM changes"), 0, "no item of a bad file is published")
    }

    func testAnItemReadsBackAsImported() throws {
        let store = try makeCounty(calendar: false)
        let imported = try ServiceItem.parseCatalog(try Examples.catalog())
        XCTAssertEqual(try store.items(), imported.sorted { $0.code < $1.code })
        for item in imported {
            XCTAssertEqual(try store.item(code: item.code), item, item.code)
        }
        XCTAssertNil(try store.item(code: "000000000000"))
        let reopened = try reopen()
        XCTAssertEqual(try reopened.item(code: Items.relief), imported.first { $0.code == Items.relief })
    }

    func testACaseKeepsTheItemVersionItWasAcceptedUnder() throws {
        let store = try makeCounty()
        let before = try store.accept(Items.relief)
        XCTAssertEqual(before.item.version, 1)
        let edited = try catalog(editing: Items.relief) { item in
            item["version"] = 2
            item["promisedLimit"] = ["days": 5, "unit": "working"]
            item["legalLimit"] = ["days": 10, "unit": "working"]
        }
        try store.importCatalog(edited, actor: "admin")
        let after = try store.accept(Items.relief)

        XCTAssertEqual(try store.caseState(before.number)?.item.version, 1)
        XCTAssertEqual(try store.caseState(before.number)?.item.promisedLimit.days, 10)
        XCTAssertEqual(try store.caseState(after.number)?.item.version, 2)
        XCTAssertEqual(try store.caseState(after.number)?.item.promisedLimit.days, 5)
        // Due dates follow each case's own version: 10 and 5 working days after Monday 2 March.
        XCTAssertEqual(try store.caseView(before.number).dueDate?.iso, "2026-03-16")
        XCTAssertEqual(try store.caseView(after.number).dueDate?.iso, "2026-03-09")

        let reopened = try reopen()
        XCTAssertEqual(try reopened.caseState(before.number)?.item.version, 1, "replayed from the log, still version 1")
        let row = try XCTUnwrap(try rawDatabase().query("SELECT state FROM cases WHERE number = ?", [.text(before.number)]).first)
        XCTAssertEqual(try JSONParser.parse(row.text("state") ?? "")["item"]?["version"], 1)
    }

    func testTheCalendarReadsBackAsSet() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        XCTAssertTrue(try store.calendarYears().isEmpty)
        let set = try store.setCalendarYear(try Examples.calendar2026(), actor: "admin")
        XCTAssertEqual(try store.calendarYears(), [set])
        XCTAssertEqual(set.year, 2026)
        XCTAssertEqual(set.holidays.count, 33)
        XCTAssertEqual(set.workdays.count, 6)
        let calendar = try store.calendar()
        XCTAssertFalse(calendar.isWorkingDay(LocalDate(iso: "2026-10-01")!))
        XCTAssertTrue(calendar.isWorkingDay(LocalDate(iso: "2026-10-10")!), "Saturday 10 October is worked (调休)")
        XCTAssertEqual(try reopen().calendarYears(), [set])
    }

    func testSettingANewYearChangesDueDatesAtOnce() throws {
        let store = try makeCounty()
        clock.set("2026-12-28")
        let number = try store.accept(Items.relief).number
        // Without a 2027 table, 1 January 2027 (a Friday) counts as a working day.
        XCTAssertEqual(try store.caseView(number).dueDate?.iso, "2027-01-11")
        XCTAssertEqual(try store.listCases().first?.dueDate?.iso, "2027-01-11")
        try store.setCalendarYear(["year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []], actor: "admin")
        XCTAssertEqual(try store.caseView(number).dueDate?.iso, "2027-01-12", "the cached calendar was replaced")
        XCTAssertEqual(try store.listCases().first?.dueDate?.iso, "2027-01-12")
        XCTAssertEqual(try store.calendarYears().map(\.year), [2026, 2027])
    }

    func testRepublishingAYearReplacesIt() throws {
        let store = try makeCounty()
        XCTAssertTrue(try store.calendar().isWorkingDay(LocalDate(iso: "2026-03-03")!))
        guard case .object(var year) = try Examples.calendar2026(), case .array(var holidays) = year["holidays"] else {
            return XCTFail("unexpected calendar shape")
        }
        holidays.append("2026-03-03")  // an extra day off, say for a local festival
        year["holidays"] = .array(holidays)
        try store.setCalendarYear(.object(year), actor: "admin")
        XCTAssertFalse(try store.calendar().isWorkingDay(LocalDate(iso: "2026-03-03")!))
        XCTAssertEqual(try store.calendarYears().count, 1)
    }

    func testAnInvalidCalendarYearIsRejectedAndNothingIsWritten() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        XCTAssertThrowsError(try store.setCalendarYear(["year": 2026, "holidays": ["2026-13-01"], "workdays": []], actor: "admin"))
        XCTAssertThrowsError(try store.setCalendarYear(["year": 2026, "holidays": [], "workdays": ["2026-03-04"]], actor: "admin"),
                             "a Wednesday is not a make-up working day")
        XCTAssertEqual(try store.count("SELECT count(*) FROM changes"), 0)
    }
}
