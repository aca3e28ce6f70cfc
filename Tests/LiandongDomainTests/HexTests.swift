import Foundation
import LiandongDomain
import XCTest

/// Hex is how hashes, signatures and keys travel in a change (Protocol/change.md: lower-case hex).
final class HexTests: XCTestCase {
    func testDecodesLowerCaseHexAndRefusesEverythingElse() {
        XCTAssertEqual(Hex.decode("00ff10a9"), [0x00, 0xFF, 0x10, 0xA9])
        XCTAssertEqual(Hex.decode(""), [])
        XCTAssertNil(Hex.decode("00FF"), "upper case is not the wire's spelling")
        XCTAssertNil(Hex.decode("abc"), "an odd count")
        XCTAssertNil(Hex.decode("0g"))
        XCTAssertNil(Hex.decode("０１"), "full-width digits")
        XCTAssertEqual(Hex.encode([0x00, 0xFF, 0x10, 0xA9]), "00ff10a9")
    }

    func testAStringNotStoredAsUTF8DecodesTheSame() {
        // A string bridged from Foundation may not lend contiguous UTF-8: the copy path must agree.
        let bridged = NSString(string: "deadbeef") as String
        XCTAssertEqual(Hex.decode(bridged), [0xDE, 0xAD, 0xBE, 0xEF])
        let substring = "xx0a0b"[...].dropFirst(2)
        XCTAssertEqual(Hex.decode(String(substring)), [0x0A, 0x0B])
    }
}
