import XCTest
@testable import LiandongDomain

/// 否定备案 and 责令重新办理: every refusal and denial is kept on the case, and the county may
/// reopen it at the node that refused or denied it.
final class RehandleTests: XCTestCase {
    typealias F = CaseFixtures

    private func refusal(_ h: inout F.History) -> Change {
        h.make(F.village, .refuse, ["number": .string(h.number), "queryCode": "Q", "item": F.itemJSON(), "applicant": F.applicant,
                                    "materials": [], "reasons": ["不属于本事项受理范围"]])
    }

    func testTheCountyReopensARefusedCaseAtTheNodeThatRefusedIt() throws {
        var h = F.History()
        let refused = refusal(&h)
        let order = h.make(F.county, .rehandle, ["reason": "理由不成立，应予受理"], dayOffset: 3)
        let state = try F.fold([refused, order])
        XCTAssertEqual(state.status, .accepted)
        XCTAssertEqual(state.holder, F.village)
        XCTAssertEqual(state.negatives.map(\.kind), [.refusal])
        XCTAssertEqual(state.negatives.first?.reasons, ["不属于本事项受理范围"])
        XCTAssertEqual(state.rehandlings.map(\.at), [F.village])
        XCTAssertEqual(state.rehandlings.first?.from, .refused)
        let clock = CaseClock(state: state)
        XCTAssertEqual(clock.acceptedOn, order.wallDate, "the limit runs afresh from the order")
        XCTAssertFalse(clock.refused)
        XCTAssertNil(clock.completedOn)
    }

    func testADeniedCaseReopensUnderReviewAtTheDeciderEvenAfterItsResultIsIssued() throws {
        var h = F.History()
        let changes = [
            h.acceptance(at: F.county),
            h.make(F.county, .deny, ["reasons": ["收入超过标准"]]),
            h.make(F.county, .issue, [:]),
        ]
        let denied = try F.fold(changes)
        XCTAssertEqual(denied.status, .resultReady)
        XCTAssertEqual(denied.negatives.map(\.kind), [.denial], "a denied case stays findable as denied after its result is issued")
        let reopened = try CaseReducer.apply(h.make(F.county, .rehandle, ["reason": "复核后认为应重新审查"]), to: denied)
        XCTAssertEqual(reopened.status, .underReview)
        XCTAssertNil(reopened.decision)
        XCTAssertNil(reopened.result)
        XCTAssertEqual(reopened.negatives.count, 1, "the denial stays on the record")
        let approved = try CaseReducer.apply(h.make(F.county, .approve, [:]), to: reopened)
        XCTAssertEqual(approved.status, .approved)
    }

    func testOnlyTheCaseCountyMayOrderItAndOnlyForARefusalOrDenialWithAReason() throws {
        var h = F.History()
        let refused = try CaseReducer.apply(refusal(&h), to: nil)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.township, .rehandle, ["reason": "x"]), to: refused)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "not_authorized")
        }
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .rehandle, [:]), to: refused)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "invalid_payload", "the reason is required")
        }
        var h2 = F.History()
        let approved = try F.fold([h2.acceptance(at: F.county), h2.make(F.county, .approve, [:]), h2.make(F.county, .issue, [:])])
        XCTAssertThrowsError(try CaseReducer.apply(h2.make(F.county, .rehandle, ["reason": "x"]), to: approved)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "transition_not_allowed", "an approval is not re-handled")
        }
        var h3 = F.History()
        let open = try CaseReducer.apply(h3.acceptance(), to: nil)
        XCTAssertThrowsError(try CaseReducer.apply(h3.make(F.county, .rehandle, ["reason": "x"]), to: open))
    }
}
