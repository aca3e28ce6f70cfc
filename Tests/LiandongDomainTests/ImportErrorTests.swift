import LiandongDomain
import XCTest

final class ImportErrorTests: XCTestCase {
    func testDescriptionNamesCodeFieldItemAndMessage() {
        let error = ImportError(
            code: ImportError.Code.invalidField, item: "000120017000", field: "items[3].legalLimit.days",
            message: "天数不能为负数：-1")
        XCTAssertEqual(error.description, "[invalid_field] items[3].legalLimit.days（事项 000120017000）：天数不能为负数：-1")
    }

    func testDescriptionOfADocumentLevelError() {
        let error = ImportError(code: ImportError.Code.wrongType, field: "", message: "应为对象，实际为数组")
        XCTAssertEqual(error.description, "[wrong_type] (document)：应为对象，实际为数组")
    }

    func testCodesAreTheDocumentedStrings() {
        XCTAssertEqual(
            [
                ImportError.Code.missingField, ImportError.Code.unknownField, ImportError.Code.wrongType,
                ImportError.Code.unknownValue, ImportError.Code.invalidField, ImportError.Code.duplicate,
                ImportError.Code.unsupportedVersion,
            ],
            [
                "missing_field", "unknown_field", "wrong_type", "unknown_value", "invalid_field", "duplicate",
                "unsupported_version",
            ])
    }

    func testErrorsCompareByValue() {
        XCTAssertEqual(
            ImportError(code: "duplicate", item: "a", field: "items[1].code", message: "m"),
            ImportError(code: "duplicate", item: "a", field: "items[1].code", message: "m"))
        XCTAssertNotEqual(
            ImportError(code: "duplicate", field: "x", message: "m"),
            ImportError(code: "duplicate", field: "y", message: "m"))
    }
}

/// A catalog or calendar import names every error in the file at once (issue 10, item 2).
final class ImportAllErrorsTests: XCTestCase {
    func testACatalogWithThreeBadItemsNamesAllThree() throws {
        var items = (1...4).map { index -> JSONValue in
            guard case .object(var fields) = CaseFixtures.itemJSON(code: "ITEM\(index)") else { return .null }
            fields["version"] = 1
            return .object(fields)
        }
        if case .object(var second) = items[1] { second["kind"] = "sometimes"; items[1] = .object(second) }
        if case .object(var third) = items[2] { third["legalLimit"] = ["days": -1, "unit": "working"]; items[2] = .object(third) }
        items.append(items[0])
        XCTAssertThrowsError(try ServiceItem.parseCatalog(["version": 1, "items": .array(items)])) { error in
            guard let error = error as? ImportError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.all.map(\.field), ["items[1].kind", "items[2].legalLimit.days", "items[4].code"])
            XCTAssertEqual(error.all.last?.code, ImportError.Code.duplicate)
        }
    }

    func testACalendarNamesEveryBadDate() {
        let json: JSONValue = ["year": 2026, "holidays": ["2026-01-01", "2026-13-01", "2025-12-31", "2026-01-01"], "workdays": ["2026-01-05"]]
        XCTAssertThrowsError(try CalendarYear.parse(json)) { error in
            guard let error = error as? ImportError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.all.map(\.field), ["holidays[1]", "holidays[2]", "holidays[3]", "workdays[0]"])
        }
    }
}
