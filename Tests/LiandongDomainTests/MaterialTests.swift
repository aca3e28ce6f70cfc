@testable import LiandongDomain
import XCTest

final class MaterialTests: XCTestCase {
    private func parse(_ json: JSONValue) throws(ImportError) -> Material {
        try Material.parse(try ImportReader(json, path: "materials[0]", item: "000120017000"))
    }

    private func parseError(_ json: JSONValue) -> ImportError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    func testDefaultsAreARequiredSingleOriginal() {
        let m = Material(id: "id_card", name: "居民身份证")
        XCTAssertTrue(m.required)
        XCTAssertEqual(m.form, .original)
        XCTAssertEqual(m.copies, 1)
    }

    func testJSONRoundTrips() throws {
        let m = Material(id: "photo", name: "近期一寸免冠彩色照片", required: false, form: .copy, copies: 2)
        XCTAssertEqual(
            m.json, ["id": "photo", "name": "近期一寸免冠彩色照片", "required": false, "form": "copy", "copies": 2])
        XCTAssertEqual(try parse(m.json), m)
    }

    func testCopiesDefaultToOne() throws {
        let m = try parse(["id": "id_card", "name": "居民身份证", "required": true, "form": "original"])
        XCTAssertEqual(m.copies, 1)
    }

    func testZeroCopiesIsRejected() {
        let error = parseError(["id": "a", "name": "x", "required": true, "form": "copy", "copies": 0])
        XCTAssertEqual(error?.code, "invalid_field")
        XCTAssertEqual(error?.field, "materials[0].copies")
        XCTAssertEqual(error?.item, "000120017000")
    }

    func testIdMustBeAnASCIIIdentifier() {
        for bad in ["身份证", "id card", "1st", "", "id-card", String(repeating: "a", count: 51)] {
            let error = parseError(["id": .string(bad), "name": "x", "required": true, "form": "copy"])
            XCTAssertEqual(error?.code, "invalid_field", bad)
            XCTAssertEqual(error?.field, "materials[0].id", bad)
        }
        XCTAssertTrue(Material.isIdentifier("_id_card2"))
    }

    func testUnknownFormListsTheAllowedOnes() {
        let error = parseError(["id": "a", "name": "x", "required": true, "form": "scan"])
        XCTAssertEqual(error?.code, "unknown_value")
        XCTAssertEqual(error?.field, "materials[0].form")
        XCTAssertTrue(error?.message.contains("original, copy, electronic") ?? false)
    }

    func testRequiredMustBeABoolean() {
        let error = parseError(["id": "a", "name": "x", "required": "yes", "form": "copy"])
        XCTAssertEqual(error?.code, "wrong_type")
        XCTAssertEqual(error?.field, "materials[0].required")
    }

    func testEmptyNameIsRejected() {
        XCTAssertEqual(parseError(["id": "a", "name": " ", "required": true, "form": "copy"])?.field, "materials[0].name")
    }

    func testFormsHaveChineseNames() {
        XCTAssertEqual(Material.Form.allCases.map(\.chineseName), ["原件", "复印件", "电子材料"])
    }
}
