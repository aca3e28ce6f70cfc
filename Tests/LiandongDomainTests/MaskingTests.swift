import LiandongDomain
import XCTest

final class MaskingTests: XCTestCase {
    func testIDNumberKeepsFirstSixAndLastFour() {
        XCTAssertEqual(Masking.idNumber("11010519491231002X"), "110105********002X")
        XCTAssertEqual(Masking.idNumber("110105491231002"), "110105********1002")  // 15-digit legacy number
    }

    func testShortIDLikeValuesHideAtLeastHalf() {
        XCTAssertEqual(Masking.idNumber("12345678"), "12****78")
        XCTAssertEqual(Masking.idNumber("123"), "***")
        XCTAssertEqual(Masking.idNumber(""), "")
    }

    func testMobileKeepsFirstThreeAndLastFour() {
        XCTAssertEqual(Masking.phone("13812345678"), "138****5678")
    }

    func testLandlineKeepsAreaCodeAndLastFour() {
        XCTAssertEqual(Masking.phone("0571-88888888"), "0571-****8888")
        XCTAssertEqual(Masking.phone("010-6543210"), "010-***3210")
    }

    func testShortPhoneLikeValuesHideAtLeastHalf() {
        XCTAssertEqual(Masking.phone("12345"), "1***5")
        XCTAssertEqual(Masking.phone("12"), "**")
    }

    func testNameKeepsTheFirstCharacter() {
        XCTAssertEqual(Masking.name("张三"), "张*")
        XCTAssertEqual(Masking.name("欧阳娜娜"), "欧***")
        XCTAssertEqual(Masking.name("张"), "*")
        XCTAssertEqual(Masking.name(""), "")
    }
}
