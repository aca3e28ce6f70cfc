import LiandongDomain
import XCTest

final class SocialCreditCodeTests: XCTestCase {
    private func error(_ text: String) -> SocialCreditCodeError? {
        do {
            _ = try SocialCreditCode(validating: text)
            return nil
        } catch {
            return error
        }
    }

    func testRealCodeWithLettersIsValid() throws {
        XCTAssertEqual(try SocialCreditCode(validating: "91330102MA28NBU477").value, "91330102MA28NBU477")
    }

    func testStandardsOwnExampleIsValid() throws {
        // The example of GB 32100-2015: letters valued by position in the character set
        // (Y = 30), not by ASCII or alphabet position.
        XCTAssertNoThrow(try SocialCreditCode(validating: "91350100M000100Y43"))
    }

    func testLowerCaseIsAcceptedAndNormalised() throws {
        XCTAssertEqual(try SocialCreditCode(validating: "91330102ma28nbu477").value, "91330102MA28NBU477")
    }

    func testPartsAreReadFromTheCode() throws {
        let code = try SocialCreditCode(validating: "91330102MA28NBU477")
        XCTAssertEqual(code.registrationDepartment, "9")
        XCTAssertEqual(code.organizationType, "1")
        XCTAssertEqual(code.divisionCode, "330102")
        XCTAssertEqual(code.subjectIdentifier, "MA28NBU47")
    }

    func testBadCheckCharacterNamesTheExpectedOne() {
        XCTAssertEqual(error("91330102MA28NBU478"), .badCheckCharacter(expected: "7", found: "8"))
        XCTAssertEqual(error("91330102MA28NBU47A"), .badCheckCharacter(expected: "7", found: "A"))
    }

    func testSingleCharacterChangeIsCaught() {
        XCTAssertNotNil(error("91330102MA28NBV477"))  // V is not in the set
        if case .badCheckCharacter = error("91330102MA28NBT477") {} else { XCTFail("U→T must break the check") }
        if case .badCheckCharacter = error("91330103MA28NBU477") {} else { XCTFail("2→3 must break the check") }
    }

    func testLettersOutsideTheCharacterSetAreRejectedWithTheirPosition() {
        for (letter, position) in [("I", 9), ("O", 9), ("S", 9), ("V", 9), ("Z", 9)] {
            XCTAssertEqual(
                error("91330102\(letter)A28NBU477"), .invalidCharacter(position: position, found: Character(letter)))
        }
        XCTAssertEqual(error("91330102-A28NBU477"), .invalidCharacter(position: 9, found: "-"))
    }

    func testWrongLengthIsReported() {
        XCTAssertEqual(error("91330102MA28NBU47"), .wrongLength(17))
        XCTAssertEqual(error(""), .wrongLength(0))
    }

    func testErrorsReadInChinese() {
        XCTAssertEqual(
            SocialCreditCodeError.badCheckCharacter(expected: "7", found: "8").description,
            "统一社会信用代码校验码错误：应为 7，实际为 8")
    }
}
