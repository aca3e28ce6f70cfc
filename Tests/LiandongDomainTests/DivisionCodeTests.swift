import LiandongDomain
import XCTest

final class DivisionCodeTests: XCTestCase {
    private func code(_ s: String) throws -> DivisionCode { try DivisionCode(validating: s) }

    private func error(_ text: String) -> DivisionCodeError? {
        do {
            _ = try DivisionCode(validating: text)
            return nil
        } catch {
            return error
        }
    }

    func testLengthGivesTheTier() throws {
        XCTAssertEqual(try code("330127").role, .county)
        XCTAssertEqual(try code("330127101").role, .township)
        XCTAssertEqual(try code("330127101201").role, .village)
        XCTAssertEqual(DivisionCode.role(forLength: 6), .county)
        XCTAssertEqual(DivisionCode.role(forLength: 9), .township)
        XCTAssertEqual(DivisionCode.role(forLength: 12), .village)
        XCTAssertNil(DivisionCode.role(forLength: 8))
    }

    func testOtherLengthsAreRejected() {
        XCTAssertEqual(error("33012"), .wrongLength(5))
        XCTAssertEqual(error("3301271"), .wrongLength(7))
        XCTAssertEqual(error("3301271012011"), .wrongLength(13))
        XCTAssertEqual(error(""), .wrongLength(0))
    }

    func testNonDigitsAreRejected() {
        XCTAssertEqual(error("33012a"), .nonDigit(position: 6, found: "a"))
        XCTAssertEqual(error("330127 01"), .nonDigit(position: 7, found: " "))
    }

    func testAllZeroPartsAreRejected() {
        XCTAssertEqual(error("000000"), .zeroPart("county"))
        XCTAssertEqual(error("000000101"), .zeroPart("county"))
        XCTAssertEqual(error("330127000"), .zeroPart("township"))
        XCTAssertEqual(error("330127101000"), .zeroPart("village"))
    }

    func testParentIsThePrefix() throws {
        XCTAssertEqual(try code("330127101201").parent, try code("330127101"))
        XCTAssertEqual(try code("330127101").parent, try code("330127"))
    }

    func testCountyParentIsItsCityAndTheCityHasNone() throws {
        XCTAssertEqual(try code("330127").parent, try code("330100"))
        XCTAssertNil(try code("330100").parent)
    }

    func testAncestorFollowsTheParentChain() throws {
        let county = try code("330127")
        let township = try code("330127101")
        let village = try code("330127101201")
        XCTAssertTrue(DivisionCode.isAncestor(county, of: village))
        XCTAssertTrue(DivisionCode.isAncestor(township, of: village))
        XCTAssertTrue(county.isAncestor(of: township))
        XCTAssertTrue(DivisionCode.isAncestor(try code("330100"), of: village))
    }

    func testNothingIsItsOwnAncestorAndChildrenAreNotAncestors() throws {
        let township = try code("330127101")
        XCTAssertFalse(township.isAncestor(of: township))
        XCTAssertFalse(try code("330127101201").isAncestor(of: township))
        XCTAssertFalse(try code("330127102").isAncestor(of: try code("330127101201")))
        XCTAssertFalse(try code("330128").isAncestor(of: try code("330127101201")))
    }

    func testPrefixWithoutTheRightLengthIsNotAnAncestor() throws {
        // 330127 is a prefix of 3301271012, but ancestry is by tier, not by string prefix alone.
        XCTAssertFalse(try code("330127101").isAncestor(of: try code("330127102101")))
    }

    func testErrorsReadInChinese() {
        XCTAssertEqual(
            DivisionCodeError.wrongLength(7).description, "区划代码应为 6 位（县）、9 位（乡镇）或 12 位（村），实际 7 位")
        XCTAssertEqual(DivisionCodeError.zeroPart("village").description, "区划代码的村级部分不能全为 0")
    }
}

/// Division codes checked as GB/T 2260 / statistical codes: structure and tier, not only length.
final class DivisionCodeStructureTests: XCTestCase {
    func testProvinceTownshipAndVillagePartsAreChecked() throws {
        XCTAssertEqual(try DivisionCode(validating: "330106109").unitKind, "镇")
        XCTAssertEqual(try DivisionCode(validating: "330106001").unitKind, "街道")
        XCTAssertEqual(try DivisionCode(validating: "330106250").unitKind, "乡")
        XCTAssertEqual(try DivisionCode(validating: "330106109201").unitKind, "村民委员会")
        XCTAssertEqual(try DivisionCode(validating: "330106109001").unitKind, "居民委员会")
        XCTAssertThrowsError(try DivisionCode(validating: "990106")) { XCTAssertEqual($0 as? DivisionCodeError, .unknownProvince("99")) }
        XCTAssertThrowsError(try DivisionCode(validating: "330000")) { XCTAssertEqual($0 as? DivisionCodeError, .provinceNotCounty("330000")) }
        XCTAssertThrowsError(try DivisionCode(validating: "330106600")) { error in
            XCTAssertEqual(error as? DivisionCodeError, .partOutOfRange("township", 600))
            XCTAssertTrue("\(error)".contains("001–099 街道"))
        }
        XCTAssertThrowsError(try DivisionCode(validating: "330106109400")) { XCTAssertEqual($0 as? DivisionCodeError, .partOutOfRange("village", 400)) }
    }
}
