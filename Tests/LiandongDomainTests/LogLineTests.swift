import XCTest

@testable import LiandongDomain

final class LogLineTests: XCTestCase {
    func testIDNumbersAndPhonesAreMaskedButCodesAreNot() {
        let line = LogLine.format(.info, node: "330106001201", "accepted 330106001201-20260105-0001 for 11010519491231002X phone 13812345678 port 8750")
        XCTAssertEqual(line, "INFO [liandong 330106001201] accepted 330106001201-20260105-0001 for 110105********002X phone 138****5678 port 8750")
    }

    func testOneEventIsOneLine() {
        XCTAssertEqual(LogLine.format(.warn, node: "330106", "a\nb\r\nc"), "WARN [liandong 330106] a b c")
    }

    func testLevelsFollowTheEvent() {
        XCTAssertEqual(LogLine.level(of: "sync push: 3 change(s) stored by the parent"), .info)
        XCTAssertEqual(LogLine.level(of: "sync push lane: parent refused the request"), .warn)
        XCTAssertEqual(LogLine.level(of: "http GET /x: internal error: boom"), .error)
        XCTAssertTrue(LogLine.Level.debug < .error)
    }
}
