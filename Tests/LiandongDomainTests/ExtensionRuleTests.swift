import XCTest
@testable import LiandongDomain

/// Extension (延期, 行政许可法 art. 42): once, at most 10 working days (15 for joint handling),
/// with a reason, only before the limit has passed; an overdue case stays overdue.
final class ExtensionRuleTests: XCTestCase {
    typealias F = CaseFixtures

    private func accepted(_ h: inout F.History, joint: Bool = false) throws -> (Change, CaseState) {
        var item = F.itemJSON()
        if joint, case .object(var fields) = item {
            fields["jointHandling"] = true
            item = .object(fields)
        }
        let change = h.acceptance(at: F.county, item: item)
        return (change, try CaseReducer.apply(change, to: nil))
    }

    func testAtMostTenWorkingDaysOrFifteenForJointHandlingOnceWithAReason() throws {
        var h = F.History()
        let (_, state) = try accepted(&h)
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .extend, ["days": 11, "reason": "需要核查"]), to: state)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "invalid_payload")
            XCTAssertTrue("\(error)".contains("最多 10 个工作日"), "\(error)")
        }
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .extend, ["days": 5]), to: state), "a reason is required")
        let extended = try CaseReducer.apply(h.make(F.county, .extend, ["reason": "需要核查"]), to: state)
        XCTAssertEqual(extended.timeExtension?.workingDays, 10, "the default is the statutory 10")
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.county, .extend, ["days": 1, "reason": "再延"]), to: extended)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "already_extended")
        }

        var joint = F.History()
        let (_, jointState) = try accepted(&joint, joint: true)
        let fifteen = try CaseReducer.apply(joint.make(F.county, .extend, ["days": 15, "reason": "多部门联合办理"]), to: jointState)
        XCTAssertEqual(fifteen.timeExtension?.workingDays, 15)
        XCTAssertThrowsError(try CaseReducer.apply(joint.make(F.county, .extend, ["days": 16, "reason": "x"]), to: jointState))
    }

    func testAnExtensionGrantedAfterTheLimitPassedDoesNotMoveItAndIsRefusedAtTheWindow() throws {
        var h = F.History()
        let (_, state) = try accepted(&h)
        let calendar = WorkingCalendar.weekdaysOnly
        let clock = CaseClock(state: state)
        let due = clock.dueDate(calendar: calendar, today: state.acceptedOn)
        XCTAssertNil(clock.extensionRefusal(calendar: calendar, today: due), "on the last day it may still be extended")
        XCTAssertNotNil(clock.extensionRefusal(calendar: calendar, today: due.adding(days: 1)))

        // Made in time: the limit moves by 10 working days.
        var inTime = F.History()
        let (_, open) = try accepted(&inTime)
        let early = try CaseReducer.apply(inTime.make(F.county, .extend, ["reason": "需要核查"], dayOffset: 1), to: open)
        XCTAssertGreaterThan(CaseClock(state: early).dueDate(calendar: calendar, today: due), due)

        // Made by another replica after the due date: applied to the record, but the case stays overdue.
        let late = try CaseReducer.apply(h.make(F.county, .extend, ["reason": "补办延期"], dayOffset: 40), to: state)
        let lateClock = CaseClock(state: late)
        XCTAssertEqual(lateClock.dueDate(calendar: calendar, today: late.timeExtension!.on), due)
        XCTAssertEqual(lateClock.status(calendar: calendar, today: late.timeExtension!.on), .overdue)
    }
}
