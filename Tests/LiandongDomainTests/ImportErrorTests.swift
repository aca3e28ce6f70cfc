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
