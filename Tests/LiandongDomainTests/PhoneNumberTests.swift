import LiandongDomain
import XCTest

final class PhoneNumberTests: XCTestCase {
    private func isValid(_ s: String) -> Bool { (try? PhoneNumber(validating: s)) != nil }

    func testMainlandMobilesAreValid() throws {
        XCTAssertEqual(try PhoneNumber(validating: "13812345678").kind, .mobile)
        XCTAssertTrue(isValid("19912345678"))
        XCTAssertTrue(isValid("15000000000"))
    }

    func testMobilesWithTheWrongPrefixOrLengthAreRejected() {
        XCTAssertFalse(isValid("12812345678"))
        XCTAssertFalse(isValid("23812345678"))
        XCTAssertFalse(isValid("1381234567"))
        XCTAssertFalse(isValid("138123456789"))
        XCTAssertFalse(isValid("+8613812345678"))
        XCTAssertFalse(isValid("138 1234 5678"))
    }

    func testLandlinesWithAreaCodeAreValid() throws {
        XCTAssertEqual(try PhoneNumber(validating: "0571-88888888").kind, .landline)
        XCTAssertTrue(isValid("010-12345678"))
        XCTAssertTrue(isValid("0571-8888888"))
        XCTAssertTrue(isValid("0571-88888888-123"))
    }

    func testMalformedLandlinesAreRejected() {
        XCTAssertFalse(isValid("057188888888"))
        XCTAssertFalse(isValid("0571-08888888"))
        XCTAssertFalse(isValid("0071-88888888"))
        XCTAssertFalse(isValid("05711-88888888"))
        XCTAssertFalse(isValid("0571-888888"))
        XCTAssertFalse(isValid("0571-88888888-"))
        XCTAssertFalse(isValid("0571-88888888-1234567"))
    }

    func testEmptyIsItsOwnError() {
        XCTAssertThrowsError(try PhoneNumber(validating: "")) { XCTAssertEqual($0 as? PhoneNumberError, .empty) }
        XCTAssertThrowsError(try PhoneNumber(validating: "12345")) {
            XCTAssertEqual($0 as? PhoneNumberError, .notAPhoneNumber("12345"))
        }
    }

    func testDescriptionIsMasked() throws {
        XCTAssertEqual(try PhoneNumber(validating: "13812345678").description, "138****5678")
        XCTAssertEqual(try PhoneNumber(validating: "0571-88888888").masked, "0571-****8888")
    }
}
