import LiandongDomain
import XCTest

/// The case conflict rules say what happens to a change before the reducer runs, from the state
/// it arrives on alone; CaseHistory records what they say and the reducer is the only writer of state.
final class CaseConflictRulesTests: XCTestCase {
    typealias F = CaseFixtures

    /// A case at the county, ready for its decision (the county decides the fixture's item).
    func atTheDecider(_ h: inout F.History) {
        _ = h.acceptance()
        _ = h.make(F.village, .forward)
        _ = h.make(F.township, .review)
        _ = h.make(F.township, .forward)
        _ = h.make(F.county, .review)
    }

    func facts(_ state: CaseState) -> CaseConflictRules.Facts {
        CaseConflictRules.Facts(state: state, decisionRef: nil, withdrawalRef: nil, statusRef: nil)
    }

    func testAVillageWithdrawingAfterTheCountyApprovedIsRefusedForTheDecision() throws {
        var h = F.History()
        atTheDecider(&h)
        _ = h.make(F.county, .approve)
        let state = try F.fold(h.changes)
        let withdrawal = h.make(F.village, .withdraw, ["reason": "申请人不再需要"])
        guard case .refuse(let refusal) = CaseConflictRules.verdict(for: withdrawal, .withdraw, on: facts(state)) else {
            return XCTFail("the decision stands")
        }
        XCTAssertEqual(refusal.rule, .withdrawVsDecision)
        XCTAssertEqual(refusal.values["standing"]?.stringValue, CaseAction.approve.kind)
        XCTAssertEqual(refusal.resolver, F.county, "the decider talks it through")
    }

    func testACountyApprovingAfterTheVillageWithdrewIsRefusedForTheWithdrawal() throws {
        var h = F.History()
        atTheDecider(&h)
        _ = h.make(F.village, .withdraw, ["reason": "申请人不再需要"])
        let state = try F.fold(h.changes)
        let approval = h.make(F.county, .approve)
        guard case .refuse(let refusal) = CaseConflictRules.verdict(for: approval, .approve, on: facts(state)) else {
            return XCTFail("the withdrawal stands")
        }
        XCTAssertEqual(refusal.rule, .withdrawVsDecision)
        XCTAssertEqual(refusal.values["standing"]?.stringValue, CaseAction.withdraw.kind)
    }

    func testAnEditByAnotherNodeAfterTheDecisionIsRefusedAsFinal() throws {
        var h = F.History()
        atTheDecider(&h)
        _ = h.make(F.county, .approve)
        let state = try F.fold(h.changes)
        let extending = h.make(F.township, .extend, ["days": 5, "reason": "需要核实"])
        guard case .refuse(let refusal) = CaseConflictRules.verdict(for: extending, .extend, on: facts(state)) else {
            return XCTFail("decision_final")
        }
        XCTAssertEqual(refusal.rule, .decisionFinal)
        XCTAssertEqual(refusal.resolver, F.county)
        let byDecider = h.make(F.county, .extend, ["days": 5, "reason": "需要核实"])
        XCTAssertEqual(CaseConflictRules.verdict(for: byDecider, .extend, on: facts(state)), .apply, "the decider's own edit is the reducer's to refuse")
    }

    func testLateSupplementMaterialsAreMergedNotLost() throws {
        var h = F.History()
        _ = h.acceptance(materials: ["id_card", "household"], tolerate: true)
        _ = h.make(F.village, .requestSupplement, ["materials": ["income"]])
        _ = h.make(F.village, .recordSupplement, ["materials": ["income"]])
        let state = try F.fold(h.changes)
        XCTAssertNotEqual(state.status, .awaitingSupplement)
        let late = h.make(F.township, .recordSupplement, ["materials": ["income", "photo", "not_an_item_material"]])
        guard case .mergeLateMaterials(let materials, let refusal?) = CaseConflictRules.verdict(for: late, .recordSupplement, on: facts(state)) else {
            return XCTFail("merged with a record")
        }
        XCTAssertEqual(materials, ["income", "photo"], "only the item's materials")
        XCTAssertEqual(refusal.rule, .materialAddOnly)
        XCTAssertEqual(refusal.values["added"], .strings(["photo"]))
        let merged = CaseReducer.mergeLateMaterials(materials, of: late, into: state)
        XCTAssertTrue(merged.materials.contains("photo"))
        XCTAssertEqual(merged.status, state.status, "the status does not move")

        let again = h.make(F.township, .recordSupplement, ["materials": ["income"]])
        XCTAssertEqual(CaseConflictRules.verdict(for: again, .recordSupplement, on: facts(state)), .mergeLateMaterials(["income"], nil),
                       "nothing new: merged without a record")
    }

    func testAChangeNoRuleClaimsGoesToTheReducer() throws {
        var h = F.History()
        atTheDecider(&h)
        let state = try F.fold(h.changes)
        let approval = h.make(F.county, .approve)
        XCTAssertEqual(CaseConflictRules.verdict(for: approval, .approve, on: facts(state)), .apply)
        let byTownship = h.make(F.township, .approve)
        XCTAssertEqual(CaseConflictRules.verdict(for: byTownship, .approve, on: facts(state)), .apply)
        XCTAssertThrowsError(try CaseReducer.apply(byTownship, to: state)) { error in
            guard let error = error as? CaseError else { return XCTFail("\(error)") }
            XCTAssertEqual(CaseConflictRules.refusal(error, of: byTownship, on: self.facts(state)).rule, .notAuthorized)
        }
    }

    func testAHistoryRecordsWhatTheRulesSay() throws {
        var h = F.History()
        atTheDecider(&h)
        let approval = h.make(F.county, .approve)
        let withdrawal = h.make(F.village, .withdraw, ["reason": "申请人不再需要"])
        let history = CaseHistory(number: h.number, changes: h.changes)
        XCTAssertEqual(history.state?.status, .approved)
        XCTAssertEqual(history.records.map(\.rule), [.withdrawVsDecision])
        XCTAssertEqual(history.records.first?.changes.map(\.id), [ChangeRef(approval).id, ChangeRef(withdrawal).id])
    }
}
