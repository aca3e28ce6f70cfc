import Foundation
import LiandongDomain
import XCTest

/// Loads the example files a county starts from (Deploy/examples) and checks they import cleanly and
/// cover what the workflow needs.
final class ExampleFilesTests: XCTestCase {
    private func load(_ name: String) throws -> JSONValue {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("Deploy/examples/\(name)"))
        return try JSONParser.parse(Array(data))
    }

    func testExampleCalendarIsThe2026Arrangement() throws {
        let year = try CalendarYear.parse(try load("calendar-2026.json"))
        XCTAssertEqual(year.year, 2026)
        XCTAssertEqual(year, year2026)
        XCTAssertEqual(year.holidays.count, 33)
        XCTAssertEqual(year.workdays.count, 6)
        let calendar = WorkingCalendar(years: [year])
        XCTAssertFalse(calendar.isWorkingDay(day("2026-02-23")))
        XCTAssertTrue(calendar.isWorkingDay(day("2026-02-28")))
        XCTAssertTrue(calendar.isWorkingDay(day("2026-10-08")))
    }

    func testExampleCatalogImportsAndRoundTrips() throws {
        let items = try ServiceItem.parseCatalog(try load("catalog.json"))
        XCTAssertGreaterThanOrEqual(items.count, 12)
        XCTAssertEqual(Set(items.map(\.code)).count, items.count)
        XCTAssertEqual(try ServiceItem.parseCatalog(ServiceItem.catalogJSON(items)), items)
    }

    func testExampleCatalogCoversEveryWorkflowPath() throws {
        let items = try ServiceItem.parseCatalog(try load("catalog.json"))
        XCTAssertTrue(items.contains { $0.kind == .immediate })
        XCTAssertTrue(items.contains { $0.kind == .promised })
        XCTAssertTrue(items.contains { $0.acceptAt.contains(.village) && $0.decideAt == .township })
        XCTAssertTrue(items.contains { $0.acceptAt.contains(.village) && $0.decideAt == .county })
        XCTAssertTrue(items.contains { !$0.acceptAt.contains(.village) })
        XCTAssertTrue(items.contains { $0.toleratedMissing })
        XCTAssertTrue(items.contains { $0.supplementPausesClock })
        XCTAssertTrue(items.contains { $0.preliminaryReviewLimit != nil })
        XCTAssertTrue(items.contains { $0.legalLimit.unit == .natural })
        XCTAssertTrue(items.contains { $0.materials.contains { !$0.required } })
        for name in ["老年人优待证办理", "最低生活保障申请", "农村村民宅基地申请", "残疾人证办理"] {
            XCTAssertTrue(items.contains { $0.name == name }, name)
        }
    }

    func testExampleImmediateItemsNeedNoPromisedDays() throws {
        let items = try ServiceItem.parseCatalog(try load("catalog.json"))
        for item in items where item.kind == .immediate {
            XCTAssertEqual(item.promisedLimit.days, 0, item.name)
        }
    }
}
