import LiandongDomain
import XCTest

/// A parent's announcement of the TLS keys it may present: who may make it, what it must hold, and
/// which pins a child accepts.
final class CertificateAnnouncementTests: XCTestCase {
    let old = "27zVsFQzcExrBaNNtOzVzLXh2+YMp5M8aZxVYyXwdmY="
    let new = "0yVHxMyIRA1OvfN/hEFM59iApYVSMflQjza8wtAuHQU="

    func testAChildAcceptsItsTokensPinUntilItsParentAnnouncesOthers() {
        XCTAssertEqual(CertificateAnnouncement.accepted(tokenPin: old, announced: nil), [old])
        XCTAssertEqual(CertificateAnnouncement.accepted(tokenPin: nil, announced: nil), [], "plain HTTP on loopback: nothing pinned")
        let both = CertificateAnnouncement(code: "330106", pins: [old, new])
        XCTAssertEqual(CertificateAnnouncement.accepted(tokenPin: old, announced: both), [old, new])
        let retired = CertificateAnnouncement(code: "330106", pins: [new])
        XCTAssertEqual(CertificateAnnouncement.accepted(tokenPin: old, announced: retired), [new], "a retired key is refused even though the token named it")
    }

    func testAPayloadNamesOneToFourPins() throws {
        XCTAssertEqual(try CertificateAnnouncement.parse(["code": "330106", "pins": [.string(old)]]).pins, [old])
        XCTAssertThrowsError(try CertificateAnnouncement.parse(["code": "330106", "pins": []]))
        XCTAssertThrowsError(try CertificateAnnouncement.parse(["code": "330106", "pins": .array(Array(repeating: .string(old), count: 5))]))
        XCTAssertThrowsError(try CertificateAnnouncement.parse(["code": "330106", "pins": ["not-a-pin"]]))
        XCTAssertThrowsError(try CertificateAnnouncement.parse(["code": "33", "pins": [.string(old)]]))
        let announcement = CertificateAnnouncement(code: "330106", pins: [old, new])
        XCTAssertEqual(try CertificateAnnouncement.parse(announcement.json), announcement)
    }
}
