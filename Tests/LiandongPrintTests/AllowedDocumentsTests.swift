import LiandongDomain
import LiandongPrint
import XCTest

/// Which documents a case's state allows: a refused case has only its refusal; a decision only
/// exists after one; a one-time notice only while materials are owed.
final class AllowedDocumentsTests: XCTestCase {
    func testAcceptedCaseWithEverythingAllowsOnlyTheReceipt() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try fixtures.state()), [.acceptanceNotice])
    }

    func testToleratedMissingAcceptanceAllowsTheOneTimeNotice() throws {
        var fixtures = PrintFixtures()
        fixtures.accept(materials: ["application", "id_card"], tolerate: true)
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try fixtures.state()), [.acceptanceNotice, .oneTimeNotice])
    }

    func testRefusedCaseAllowsOnlyTheRefusalNotice() throws {
        var fixtures = PrintFixtures()
        fixtures.accept(refuse: ["不属于本村受理范围"])
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try fixtures.state()), [.refusalNotice])
    }

    func testOpenSupplementRequestAllowsTheSupplementNoticeUntilMaterialsAreIn() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        fixtures.add(PrintFixtures.village, .forward)
        fixtures.add(PrintFixtures.township, .requestSupplement, ["materials": ["site_plan"], "note": "平面图需村委会盖章"])
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try fixtures.state()), [.acceptanceNotice, .supplementNotice])
        fixtures.add(PrintFixtures.village, .recordSupplement, ["materials": ["site_plan"]])
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try fixtures.state()), [.acceptanceNotice])
    }

    func testDecisionBeforeIssueAllowsTheDecisionButNoDeliveryReceipt() throws {
        let fixtures = try PrintFixtures.decided(approved: true, issued: false)
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try fixtures.state()), [.acceptanceNotice, .decision])
    }

    func testIssuedAndDeliveredCasesAllowTheDeliveryReceipt() throws {
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try PrintFixtures.decided(approved: false).state()),
                       [.acceptanceNotice, .decision, .deliveryReceipt])
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: try PrintFixtures.decided(approved: true, delivered: true).state()),
                       [.acceptanceNotice, .decision, .deliveryReceipt])
    }

    func testRenderingADocumentTheStateDoesNotAllowFailsNamingWhatIs() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        XCTAssertThrowsError(try PrintedDocument.render(.decision, fixtures.request())) { error in
            guard let error = error as? PrintError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(error.code, "document_not_allowed")
            XCTAssertTrue(error.message.contains("受理通知书（acceptance-notice）"), error.message)
            XCTAssertTrue(error.message.contains("「受理」"), error.message)
        }
    }

    func testAnUnacceptedApplicationAllowsOnlyTheOneTimeNoticeAndOnlyWhenSomethingIsMissing() throws {
        let item = try ServiceItem.parse(PrintFixtures.item())
        let applicant = Applicant(name: "王建国", idNumber: "11010519491231002X", phone: "13812345678")
        let missing = UnacceptedApplication(item: item, applicant: applicant, provided: ["id_card"], on: LocalDate(epochMillis: PrintFixtures.monday))
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: .unaccepted(missing)), [.oneTimeNotice])
        let complete = UnacceptedApplication(item: item, applicant: applicant, provided: Set(item.materials.map(\.id)), on: missing.on)
        XCTAssertEqual(PrintedDocument.kinds(allowedFor: .unaccepted(complete)), [])
    }

    func testSlugsAreStableAndRoundTrip() {
        XCTAssertEqual(PrintedDocumentKind.allCases.map(\.slug),
                       ["acceptance-notice", "one-time-notice", "refusal-notice", "supplement-notice", "decision", "delivery-receipt"])
        for kind in PrintedDocumentKind.allCases { XCTAssertEqual(PrintedDocumentKind(slug: kind.slug), kind) }
        XCTAssertNil(PrintedDocumentKind(slug: "receipt"))
    }
}
