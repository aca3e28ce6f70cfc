import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// 好差评 (issue 10, item 4): the county's settings replicate like the calendar; an unrated
/// delivered case takes the default rating exactly once, from the node that delivered it, with
/// the village, the township and the county all serving.
final class SyncEvaluationTests: SyncTestCase {
    func testADefaultRatingIsAppliedExactlyOnceWithEveryTierServing() throws {
        try makeNodes()
        try serve(Tree.county)
        try store(Tree.county).setEvaluationSettings(
            EvaluationSettings(defaultAfterDays: 7, defaultLevel: .basicallySatisfied, followUpWorkingDays: 7), actor: "县管理员")
        try serve(Tree.township, parent: Tree.county)
        try serve(Tree.village, parent: Tree.township)
        let village = store(Tree.village)
        try wait("the settings reach the village") { try village.evaluationSettings().defaultAfterDays == 7 }

        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        try village.act(on: number, .forward, payload: [:], actor: "代办员")
        try wait("the township holds the case") { try self.store(Tree.township).caseState(number)?.holder == Tree.township }
        try store(Tree.township).act(on: number, .approve, payload: [:], actor: "镇-审批")
        try store(Tree.township).act(on: number, .issue, payload: [:], actor: "镇-窗口")
        try wait("the result reaches the village") { try village.caseState(number)?.status == .resultReady }
        try village.act(on: number, .deliver, payload: ["method": "collected"], actor: "代办员")
        XCTAssertEqual(try village.applyDefaultRatings(), [], "not before the waiting period")

        clock.advance(days: 8)
        // Days passed for every node at once: an exchange tells the village its parent's new time (clock safety).
        try sync(Tree.township)
        try sync(Tree.village)
        try wait("the county sees the default rating") { try self.store(Tree.county).caseState(number)?.evaluation != nil }
        clock.advance(days: 8)
        try sync(Tree.township)
        try sync(Tree.village)
        Thread.sleep(forTimeInterval: 0.5)
        for code in [Tree.county, Tree.township, Tree.village] {
            XCTAssertEqual(try store(code).applyDefaultRatings(), [], "only the delivering node rates, and only once (\(code))")
        }
        try wait("every tier holds the same state") {
            let hashes = try [Tree.county, Tree.township, Tree.village].map { try self.stateHash($0, number) }
            return !hashes.contains(nil) && Set(hashes.map { $0 ?? [] }).count == 1
        }
        for code in [Tree.county, Tree.township, Tree.village] {
            let ratings = try count(code, "SELECT count(*) FROM changes WHERE entity = ? AND kind = ?", [.text(number), .text(CaseAction.evaluate.kind)])
            XCTAssertEqual(ratings, 1, "exactly one rating at \(code)")
        }
        let evaluation = try XCTUnwrap(try store(Tree.county).caseState(number)?.evaluation)
        XCTAssertTrue(evaluation.isDefault)
        XCTAssertEqual(evaluation.level, .basicallySatisfied)
        XCTAssertEqual(try store(Tree.county).db.scalarInt("SELECT count(*) FROM conflicts"), 0)
    }

    func testAPoorRatingsFollowUpTakesTheCountysDaysAndIsOnTheBoardAndInStatistics() throws {
        try makeNodes([Tree.county])
        let county = store(Tree.county)
        try county.setEvaluationSettings(EvaluationSettings(defaultAfterDays: 0, defaultLevel: .satisfied, followUpWorkingDays: 3), actor: "县管理员")
        let number = try accept(at: Tree.county, item: Items.countyDecided)
        try county.act(on: number, .approve, payload: [:], actor: "审批员")
        try county.act(on: number, .issue, payload: [:], actor: "窗口")
        try county.act(on: number, .deliver, payload: ["method": "collected"], actor: "窗口")
        let rated = try county.act(on: number, .evaluate, payload: ["level": 5], actor: "窗口")
        let followUp = try XCTUnwrap(rated.evaluation?.followUp)
        XCTAssertEqual(followUp.workingDays, 3, "the county's follow-up days")
        let due = followUp.dueDate(calendar: try county.calendar())
        let board = try county.listCases(CaseFilter())
        XCTAssertEqual(board.first?.json["followUpDue"]?.stringValue, due.iso, "the follow-up is on the deadline board")
        XCTAssertEqual(try county.statistics().overall.followUps, 1)
        try county.act(on: number, .closeFollowUp, payload: ["result": "已回访并整改"], actor: "督查")
        XCTAssertEqual(try county.statistics().overall.followUpsClosedOnTime, 1)
        XCTAssertThrowsError(try county.setEvaluationSettings(EvaluationSettings(defaultAfterDays: 7, defaultLevel: .dissatisfied, followUpWorkingDays: 5), actor: "x"),
                             "a default rating is never a poor one")
    }

    private func wait(_ what: String, within seconds: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out: \(what)")
        throw StoreError("timeout", what)
    }
}
