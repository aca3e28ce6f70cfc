import XCTest
@testable import LiandongDomain

final class CaseReducerTests: XCTestCase {
    typealias F = CaseFixtures

    func testAcceptanceWithAllMaterialsRoutesToTheDecider() throws {
        var h = F.History()
        let state = try CaseReducer.apply(h.acceptance(), to: nil)
        XCTAssertEqual(state.status, .accepted)
        XCTAssertEqual(state.acceptor, F.village)
        XCTAssertEqual(state.decider, F.county)
        XCTAssertEqual(state.holder, F.village)
        XCTAssertEqual(state.parties, [F.county, F.village])
        XCTAssertEqual(state.materials, ["id_card", "household", "income"])
        XCTAssertEqual(state.timeline.count, 1)
    }

    func testMissingMaterialsAreAllListedAtOnce() {
        var h = F.History()
        XCTAssertThrowsError(try CaseReducer.apply(h.acceptance(materials: ["id_card"]), to: nil)) { error in
            guard case CaseError.materialsMissing(let missing) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(missing.map(\.id), ["household", "income"])
            XCTAssertEqual(missing.map(\.name), ["户口簿", "家庭收入证明"])
        }
    }

    func testToleratedMissingAcceptanceRecordsWhatIsOwed() throws {
        var h = F.History()
        let state = try CaseReducer.apply(h.acceptance(materials: ["id_card"], tolerate: true), to: nil)
        XCTAssertEqual(state.status, .accepted)
        XCTAssertEqual(state.toleratedMissing, ["household", "income"])
    }

    func testToleranceIsRefusedWhereTheItemDoesNotAllowIt() {
        var h = F.History()
        let change = h.acceptance(item: F.itemJSON(tolerated: false), materials: ["id_card"], tolerate: true)
        XCTAssertThrowsError(try CaseReducer.apply(change, to: nil)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "materials_missing")
        }
    }

    func testAcceptanceAtARoleTheItemDoesNotListIsNotAuthorized() {
        var h = F.History()
        let change = h.acceptance(item: F.itemJSON(acceptAt: ["township", "county"]))
        XCTAssertThrowsError(try CaseReducer.apply(change, to: nil)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "not_authorized")
        }
    }

    func testRefusalNeedsItsReasonsAndEndsTheCase() throws {
        var h = F.History()
        let missing = h.make(F.village, .refuse, ["number": .string(h.number), "queryCode": "Q", "item": F.itemJSON(), "applicant": F.applicant, "materials": []])
        XCTAssertThrowsError(try CaseReducer.apply(missing, to: nil))
        var h2 = F.History()
        let refusal = h2.make(F.village, .refuse, ["number": .string(h2.number), "queryCode": "Q", "item": F.itemJSON(), "applicant": F.applicant,
                                                   "materials": [], "reasons": ["不属于本事项受理范围"]])
        let state = try CaseReducer.apply(refusal, to: nil)
        XCTAssertEqual(state.status, .refused)
        XCTAssertEqual(state.refusalReasons, ["不属于本事项受理范围"])
        XCTAssertEqual(CaseAction.allowed(in: .refused), [.rehandle], "only the county's order to handle it again (否定备案)")
    }

    func testCountyItemClimbsOneTierAtATime() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        var state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .forwarded)
        XCTAssertEqual(state.holder, F.township)
        _ = h.make(F.township, .review, ["opinion": "材料真实"])
        state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .preliminaryReview)
        _ = h.make(F.township, .forward)
        _ = h.make(F.county, .review)
        state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .underReview)
        XCTAssertEqual(state.holder, F.county)
        _ = h.make(F.county, .approve, ["opinion": "符合条件"])
        state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .approved)
        XCTAssertEqual(state.decision?.by, F.county)
    }

    func testOnlyTheDecidingTierApproves() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        let state = try F.fold(h.changes)
        let byTownship = h.make(F.township, .approve)
        XCTAssertThrowsError(try CaseReducer.apply(byTownship, to: state)) { error in
            guard case CaseError.notAuthorized(let action, let origin, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(action, .approve)
            XCTAssertEqual(origin, F.township)
        }
    }

    func testTheDeciderCannotDecideBeforeTheCaseReachesIt() throws {
        var h = F.History()
        let state = try CaseReducer.apply(h.acceptance(), to: nil)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .approve), to: state)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "not_authorized")
        }
    }

    func testTownshipItemStopsAtTheTownship() throws {
        var h = F.History()
        _ = h.acceptance(item: F.itemJSON(decideAt: "township"))
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .approve)
        let state = try F.fold(h.changes)
        XCTAssertEqual(state.decider, F.township)
        XCTAssertEqual(state.status, .approved)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.township, .forward), to: state))
    }

    func testATransitionNotAllowedNamesTheStateAndWhatIsAllowed() throws {
        var h = F.History()
        let state = try CaseReducer.apply(h.acceptance(), to: nil)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .deliver, ["method": "collected"]), to: state)) { error in
            guard case CaseError.transitionNotAllowed(let action, let status, let allowed) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(action, .deliver)
            XCTAssertEqual(status, .accepted)
            XCTAssertTrue(allowed.contains(.forward))
            XCTAssertTrue(allowed.contains(.withdraw))
            XCTAssertFalse(allowed.contains(.deliver))
            XCTAssertTrue((error as? CaseError)?.message.contains("受理") ?? false)
        }
    }

    func testSupplementRoundTripPausesAndResumes() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .review)
        _ = h.make(F.township, .requestSupplement, ["materials": ["income", "photo"], "note": "收入证明需村委盖章"])
        var state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .awaitingSupplement)
        XCTAssertEqual(state.pauses.count, 1)
        XCTAssertNil(state.pauses[0].to)
        _ = h.make(F.village, .recordSupplement, ["materials": ["photo"]], dayOffset: 1)
        state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .awaitingSupplement, "one of two materials is still owed")
        _ = h.make(F.village, .recordSupplement, ["materials": ["income"]], dayOffset: 2)
        state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .preliminaryReview, "the case returns to where it was")
        XCTAssertNotNil(state.pauses[0].to)
        XCTAssertEqual(state.supplementRounds, 1)
        XCTAssertTrue(state.materials.isSuperset(of: ["income", "photo"]))
    }

    func testSupplementDoesNotPauseWhereTheItemSaysSo() throws {
        var h = F.History()
        _ = h.acceptance(item: F.itemJSON(pauses: false))
        _ = h.make(F.village, .requestSupplement, ["materials": ["photo"]])
        XCTAssertEqual(try F.fold(h.changes).pauses, [])
    }

    func testMaterialsAreAnAddOnlySet() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .requestSupplement, ["materials": ["photo"]])
        _ = h.make(F.village, .recordSupplement, ["materials": ["photo", "photo", "id_card"]])
        XCTAssertEqual(try F.fold(h.changes).materials, ["id_card", "household", "income", "photo"])
    }

    func testResultTravelsDownAndIsDelivered() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .forward)
        _ = h.make(F.county, .approve)
        _ = h.make(F.county, .issue, ["documentName": "低保证", "documentNumber": "西湖民〔2026〕12号"])
        var state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .resultReady)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .deliver, ["method": "mailed"]), to: state), "mail needs a tracking number")
        h.changes.removeLast()
        _ = h.make(F.village, .deliver, ["method": "collected"])
        state = try F.fold(h.changes)
        XCTAssertEqual(state.status, .delivered)
        XCTAssertEqual(state.delivery?.by, F.village)
    }

    func testANodeOffTheResultPathCannotDeliver() throws {
        var h = F.History()
        _ = h.acceptance(item: F.itemJSON(decideAt: "township"))
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .approve)
        _ = h.make(F.township, .issue)
        let state = try F.fold(h.changes)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.otherTownship, .deliver, ["method": "collected"]), to: state)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "not_authorized")
        }
    }

    func testPoorEvaluationOpensAFollowUp() throws {
        var h = F.History()
        _ = h.acceptance(item: F.itemJSON(decideAt: "township"))
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .approve)
        _ = h.make(F.township, .issue)
        _ = h.make(F.village, .deliver, ["method": "collected"])
        _ = h.make(F.village, .evaluate, ["level": 4, "comment": "等待太久", "followUpDays": 7])
        var state = try F.fold(h.changes)
        XCTAssertEqual(state.evaluation?.level, .dissatisfied)
        XCTAssertEqual(state.evaluation?.followUp?.workingDays, 7)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .evaluate, ["level": 1]), to: state), "one evaluation per case")
        h.changes.removeLast()
        _ = h.make(F.township, .closeFollowUp, ["result": "已回访并改进"])
        state = try F.fold(h.changes)
        XCTAssertNotNil(state.evaluation?.followUp?.closedOn)
    }

    func testGoodEvaluationOpensNoFollowUp() throws {
        var h = F.History()
        _ = h.acceptance(item: F.itemJSON(decideAt: "township"))
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .approve)
        _ = h.make(F.township, .issue)
        _ = h.make(F.village, .deliver, ["method": "collected"])
        _ = h.make(F.village, .evaluate, ["level": 1])
        XCTAssertNil(try F.fold(h.changes).evaluation?.followUp)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .evaluate, ["level": 6]), to: nil))
    }

    func testWithdrawalIsOnlyBeforeTheDecision() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .withdraw, ["reason": "申请人不再需要"])
        XCTAssertEqual(try F.fold(h.changes).status, .withdrawn)

        var late = F.History()
        _ = late.acceptance()
        _ = late.make(F.village, .forward)
        _ = late.make(F.township, .forward)
        _ = late.make(F.county, .approve)
        let state = try F.fold(late.changes)
        XCTAssertThrowsError(try CaseReducer.apply(late.make(F.village, .withdraw, ["reason": "x"]), to: state)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "transition_not_allowed")
        }
    }

    func testExtensionIsAllowedOnce() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .forward)
        _ = h.make(F.county, .extend, ["reason": "需实地核查"])
        let state = try F.fold(h.changes)
        XCTAssertEqual(state.timeExtension?.workingDays, 10)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .extend, ["reason": "again"]), to: state)) { error in
            XCTAssertEqual(error as? CaseError, .alreadyExtended)
        }
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .extend, ["reason": "x"]), to: state), "only the decider extends")
    }

    func testSpecialProcedurePausesTheClockAndBlocksTheDecision() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .forward)
        _ = h.make(F.county, .startSpecialProcedure, ["procedure": "hearing", "reason": "涉及重大利益"])
        var state = try F.fold(h.changes)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .approve), to: state)) { error in
            XCTAssertEqual(error as? CaseError, .specialProcedureOpen)
        }
        h.changes.removeLast()
        _ = h.make(F.county, .endSpecialProcedure, ["result": "听证结束"], dayOffset: 3)
        state = try F.fold(h.changes)
        XCTAssertEqual(state.pauses.count, 1)
        XCTAssertNotNil(state.pauses[0].to)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .startSpecialProcedure, ["procedure": "magic", "reason": "x"]), to: state))
    }

    func testTransferMakesTheTargetAPartyAndTheHolder() throws {
        var h = F.History()
        _ = h.acceptance(item: F.itemJSON(decideAt: "township"))
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .transfer, ["to": .string(F.otherTownship), "reason": "申请人户籍在邻镇"])
        let state = try F.fold(h.changes)
        XCTAssertEqual(state.holder, F.otherTownship)
        XCTAssertEqual(state.decider, F.otherTownship)
        XCTAssertTrue(state.parties.contains(F.otherTownship))
    }

    func testContactUpdateKeepsTheLastWriter() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .updateContact, ["phone": "13900000001"])
        _ = h.make(F.township, .updateContact, ["phone": "13900000002"])
        XCTAssertEqual(try F.fold(h.changes).applicant.phone, "13900000002")
    }

    func testReplayIsIndependentOfDeliveryOrderAndDuplicates() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .review)
        _ = h.make(F.township, .forward)
        _ = h.make(F.county, .approve)
        _ = h.make(F.county, .issue)
        let inOrder = CaseReplay(changes: h.changes)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let shuffled = (h.changes + h.changes.prefix(2)).shuffled(using: &generator)
            let replay = CaseReplay(changes: shuffled)
            XCTAssertEqual(replay.state, inOrder.state)
            XCTAssertEqual(replay.state?.json.canonicalBytes, inOrder.state?.json.canonicalBytes)
            XCTAssertTrue(replay.rejected.isEmpty)
        }
    }

    func testWithdrawAgainstAConcurrentDecisionWhicheverSortsFirstStands() throws {
        var h = F.History()
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .forward)
        let approve = h.make(F.county, .approve)
        let withdraw = h.make(F.village, .withdraw, ["reason": "不办了"])
        let replay = CaseReplay(changes: h.changes.shuffled())
        XCTAssertEqual(replay.state?.status, .approved)
        XCTAssertEqual(replay.rejected.map(\.change), [withdraw])
        XCTAssertNotEqual(approve, withdraw)
    }

    func testMalformedPayloadsNameTheField() throws {
        var h = F.History()
        let state = try CaseReducer.apply(h.acceptance(), to: nil)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .withdraw, ["reason": 42]), to: state)) { error in
            guard case CaseError.invalidPayload(let field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "payload.reason")
        }
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .withdraw, "not an object"), to: state))
    }
}
