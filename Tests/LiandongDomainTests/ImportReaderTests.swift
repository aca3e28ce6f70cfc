@testable import LiandongDomain
import XCTest

final class ImportReaderTests: XCTestCase {
    private func reader(_ json: JSONValue, path: String = "items[0]") throws -> ImportReader {
        try ImportReader(json, path: path, item: "A1")
    }

    func testPathsJoinWithDots() throws {
        XCTAssertEqual(try reader([:]).path("legalLimit"), "items[0].legalLimit")
        XCTAssertEqual(try reader([:], path: "").path("version"), "version")
    }

    func testFirstUnknownKeyInSortedOrderIsReported() throws {
        XCTAssertThrowsError(try reader(["z": 1, "b": 2, "a": 3]).rejectUnknownKeys(["a"])) {
            XCTAssertEqual(($0 as? ImportError)?.field, "items[0].b")
        }
    }

    func testNullCountsAsMissing() throws {
        let r = try reader(["name": .null])
        XCTAssertNil(r.optional("name"))
        XCTAssertThrowsError(try r.string("name")) { XCTAssertEqual(($0 as? ImportError)?.code, "missing_field") }
    }

    func testWhiteSpaceOnlyTextIsRejected() throws {
        XCTAssertThrowsError(try reader(["name": "  "]).text("name")) {
            XCTAssertEqual(($0 as? ImportError)?.code, "invalid_field")
        }
    }

    func testNestedObjectsKeepTheItemAndExtendThePath() throws {
        let nested = try reader(["fee": ["charged": "no"]]).object("fee")
        XCTAssertThrowsError(try nested.bool("charged")) {
            let error = $0 as? ImportError
            XCTAssertEqual(error?.field, "items[0].fee.charged")
            XCTAssertEqual(error?.item, "A1")
            XCTAssertEqual(error?.message, "应为布尔值（true/false），实际为字符串")
        }
    }

    func testTimeLimitIsReadAndChecked() throws {
        XCTAssertEqual(
            try reader(["l": ["days": 20, "unit": "natural"]]).timeLimit("l"), TimeLimit(days: 20, unit: .natural))
        XCTAssertThrowsError(try reader(["l": ["days": 20]]).timeLimit("l")) {
            XCTAssertEqual(($0 as? ImportError)?.field, "items[0].l.unit")
        }
    }
}
