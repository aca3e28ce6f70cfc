import Foundation
import XCTest

/// ID numbers and phones are masked in lists (DESIGN §8) and shown in full only in `case show`.
final class MaskingEndToEndTests: XCTestCase {
    func testCaseListMasksIDNumbersAndPhonesAndCaseShowDoesNot() throws {
        let node = try TestNode.county()
        let mobile = try node.acceptNumber(.oldAgeAllowance)
        let landlineID = Applicants.id("33012719580315004")
        let landline = try XCTUnwrap(try node.accept(.seniorCard, name: "欧阳春花", id: landlineID, phone: "0571-64881234")["number"] as? String)

        let rows = try node.array("case", "list")
        let byNumber = Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["number"] as? String).map { ($0, row) } })
        XCTAssertEqual(byNumber[mobile]?["idNumber"] as? String, "110105********002X")
        XCTAssertEqual(byNumber[mobile]?["phone"] as? String, "138****5678")
        XCTAssertEqual(byNumber[mobile]?["applicant"] as? String, "张**")
        XCTAssertEqual(byNumber[landline]?["idNumber"] as? String, "330127********" + String(landlineID.suffix(4)))
        XCTAssertEqual(byNumber[landline]?["phone"] as? String, "0571-****1234")
        XCTAssertEqual(byNumber[landline]?["applicant"] as? String, "欧***")

        let listed = try node.run("case", "list", "--json")
        for secret in [Applicants.id, Applicants.phone, landlineID, "64881234", Applicants.name] {
            XCTAssertFalse(listed.stdout.contains(secret), "case list --json leaks \(secret)")
        }
        let text = try node.run("case", "list")
        XCTAssertEqual(text.exitCode, 0, text.transcript)
        for secret in [Applicants.id, Applicants.phone, landlineID, Applicants.name] {
            XCTAssertFalse(text.stdout.contains(secret), "case list leaks \(secret)")
        }

        let shown = try XCTUnwrap(try node.show(mobile)["applicant"] as? [String: Any])
        XCTAssertEqual(shown["idNumber"] as? String, Applicants.id)
        XCTAssertEqual(shown["phone"] as? String, Applicants.phone)
        XCTAssertEqual(shown["name"] as? String, Applicants.name)
        let shownText = try node.run("case", "show", landline)
        XCTAssertTrue(shownText.stdout.contains(landlineID) && shownText.stdout.contains("0571-64881234"), shownText.transcript)
    }
}
