import XCTest

@testable import LiandongDomain

final class EnrollmentTokenTests: XCTestCase {
    private let secret = String(repeating: "ab", count: 32)
    private let pin = "j9S9igQIqtttvw6fPcQWzihq+c2sCMwPpxmu8oSGDtU="

    func testATokenWithAPinRoundTrips() {
        let token = EnrollmentToken(secret: secret, pin: pin)
        XCTAssertEqual(token.text, secret + "." + pin)
        XCTAssertEqual(EnrollmentToken.parse(token.text + "\n"), token)
    }

    func testAnOldTokenWithoutAPinIsStillRead() {
        XCTAssertEqual(EnrollmentToken.parse(secret), EnrollmentToken(secret: secret, pin: nil))
    }

    func testAMangledPinIsRefused() {
        XCTAssertNil(EnrollmentToken.parse(secret + "." + pin.dropLast(2)))
        XCTAssertNil(EnrollmentToken.parse(secret + ".not a pin"))
        XCTAssertNil(EnrollmentToken.parse("." + pin))
    }
}
