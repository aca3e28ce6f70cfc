import LiandongDomain
import XCTest

final class ResidentIDTests: XCTestCase {
    /// Appends the GB 11643 check character, computed independently of the code under test.
    private func withCheck(_ first17: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17.compactMap(\.wholeNumberValue), weights).map(*).reduce(0, +)
        return first17 + String(Array("10X98765432")[sum % 11])
    }

    private func error(_ text: String, today: LocalDate? = nil) -> ResidentIDError? {
        do {
            _ = try ResidentID(validating: text, today: today)
            return nil
        } catch {
            return error
        }
    }

    func testPublishedExamplesAreValid() throws {
        XCTAssertEqual(try ResidentID(validating: "11010519491231002X").value, "11010519491231002X")
        XCTAssertEqual(try ResidentID(validating: "440524188001010014").value, "440524188001010014")
    }

    func testLowerCaseXIsAcceptedAndNormalised() throws {
        XCTAssertEqual(try ResidentID(validating: "11010519491231002x").value, "11010519491231002X")
    }

    func testFieldsAreReadFromTheNumber() throws {
        let id = try ResidentID(validating: "11010519491231002X")
        XCTAssertEqual(id.addressCode, "110105")
        XCTAssertEqual(id.birthDate, day("1949-12-31"))
        XCTAssertFalse(id.isMale)  // sequence 002: even
        XCTAssertTrue(try ResidentID(validating: "440524188001010014").isMale)  // sequence 001: odd
    }

    func testWrongLengthIsReported() {
        XCTAssertEqual(error("11010519491231002"), .wrongLength(17))
        XCTAssertEqual(error("11010519491231002X1"), .wrongLength(19))
        XCTAssertEqual(error(""), .wrongLength(0))
    }

    func testNonDigitIsReportedWithItsPosition() {
        XCTAssertEqual(error("1101051949123100AX"), .nonDigit(position: 17, found: "A"))
        XCTAssertEqual(error("11010519491231002Y"), .nonDigit(position: 18, found: "Y"))
        XCTAssertEqual(error("X10105194912310021"), .nonDigit(position: 1, found: "X"))
    }

    func testFullWidthDigitsAreNotDigits() {
        XCTAssertEqual(error("１10105194912310021"), .nonDigit(position: 1, found: "１"))
    }

    func testBadCheckCharacterNamesTheExpectedOne() {
        XCTAssertEqual(error("110105194912310021"), .badCheckCharacter(expected: "X", found: "1"))
        XCTAssertEqual(error("440524188001010015"), .badCheckCharacter(expected: "4", found: "5"))
    }

    func testImpossibleBirthDateIsReported() {
        XCTAssertEqual(error(withCheck("11010519490230002")), .badBirthDate("19490230"))
        XCTAssertEqual(error(withCheck("11010519491331002")), .badBirthDate("19491331"))
        XCTAssertEqual(error(withCheck("11010517991231002")), .badBirthDate("17991231"))
    }

    func testAddressCodeMustNotStartWithZero() {
        XCTAssertEqual(error(withCheck("01010519491231002")), .badAddressCode("010105"))
    }

    func testBirthDateAfterTodayIsRefusedOnlyWhenTodayIsGiven() throws {
        let text = withCheck("33012720300101001")
        XCTAssertEqual(error(text, today: day("2026-06-01")), .birthDateInFuture(day("2030-01-01")))
        XCTAssertNoThrow(try ResidentID(validating: text))
        XCTAssertNoThrow(try ResidentID(validating: "11010519491231002X", today: day("2026-06-01")))
    }

    func testDescriptionIsMaskedAndErrorsReadInChinese() throws {
        XCTAssertEqual(try ResidentID(validating: "11010519491231002X").description, "110105********002X")
        XCTAssertEqual(
            ResidentIDError.badCheckCharacter(expected: "X", found: "1").description, "身份证号码校验码错误：应为 X，实际为 1")
        XCTAssertEqual(ResidentIDError.wrongLength(17).description, "身份证号码应为 18 位，实际 17 位")
    }
}
