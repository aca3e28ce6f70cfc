import LiandongDomain
import XCTest

/// Clock safety on plain values: when to warn, when to refuse, what to stamp again.
final class ClockSafetyTests: XCTestCase {
    let parent: Int64 = 1_764_633_600_000  // 2025-12-02 08:00 CST
    let fourYears: Int64 = 4 * 365 * 86_400_000

    func testClocksWithinAMinuteAreInStep() {
        XCTAssertEqual(ClockSafety.judge(local: parent + 59_000, parent: parent), .inStep)
        XCTAssertEqual(ClockSafety.judge(local: parent - 59_000, parent: parent), .inStep)
        XCTAssertEqual(ClockSafety.judge(local: parent + fourYears, parent: nil), .inStep, "no estimate, no judgement")
    }

    func testMoreThanAMinuteWarnsMoreThanTheLimitRefusesEitherWay() {
        XCTAssertEqual(ClockSafety.judge(local: parent + 61_000, parent: parent), .warn(offsetMillis: 61_000))
        XCTAssertEqual(ClockSafety.judge(local: parent - 120_000, parent: parent), .warn(offsetMillis: -120_000))
        XCTAssertEqual(ClockSafety.judge(local: parent + fourYears, parent: parent), .refuse(offsetMillis: fourYears))
        XCTAssertEqual(ClockSafety.judge(local: parent - fourYears, parent: parent), .refuse(offsetMillis: -fourYears), "years behind too")
    }

    func testTheRefusalNamesBothTimesInChinese() {
        let text = ClockSafety.refusal(local: parent + fourYears, parent: parent)
        XCTAssertTrue(text.contains("2025-12-02 08:00:00"), text)
        XCTAssertTrue(text.contains("2029-12-01"), text)
        XCTAssertTrue(text.contains("快"), text)
        XCTAssertTrue(ClockSafety.refusal(local: parent - fourYears, parent: parent).contains("慢"))
    }

    func testTheParentsTimeFollowsTheMonotonicClockNotTheWallClock() {
        XCTAssertEqual(ClockSafety.parentNow(parentTimeAtContact: parent, monotonicAtContact: 1_000, monotonicNow: 61_000, sameBoot: true),
                       parent + 60_000)
        XCTAssertNil(ClockSafety.parentNow(parentTimeAtContact: parent, monotonicAtContact: 1_000, monotonicNow: 61_000, sameBoot: false))
        XCTAssertNil(ClockSafety.parentNow(parentTimeAtContact: parent, monotonicAtContact: 9_000, monotonicNow: 1_000, sameBoot: true))
    }

    func testOnlyUnacknowledgedChangesFromTheWrongClockAreStampedAgainWithAllAfterThem() {
        let now = parent
        let ahead = HLC(physicalMillis: now + fourYears, logical: 0)
        let own: [(seq: Int64, hlc: HLC)] = [
            (1, HLC(physicalMillis: now - 10_000, logical: 0)), (2, ahead),
            (3, HLC(physicalMillis: now + fourYears, logical: 1)), (4, HLC(physicalMillis: now + fourYears, logical: 2)),
        ]
        XCTAssertEqual(ClockSafety.firstToRestamp(own: own, acknowledged: 1, now: now), 2)
        XCTAssertNil(ClockSafety.firstToRestamp(own: own, acknowledged: 4, now: now), "what the parent holds is not touched here")
        XCTAssertNil(ClockSafety.firstToRestamp(own: own, acknowledged: 1, now: now + fourYears), "the clock is still wrong: nothing yet")
        XCTAssertNil(ClockSafety.firstToRestamp(own: [(1, HLC(physicalMillis: now + 60_000, logical: 0))], acknowledged: 0, now: now))
    }

    func testTheRootJudgesItsClockByItsChildren() {
        XCTAssertEqual(ClockSafety.judgeRoot(childOffsets: []), .inStep)
        XCTAssertEqual(ClockSafety.judgeRoot(childOffsets: [1_000, -2_000, 500]), .inStep)
        XCTAssertEqual(ClockSafety.judgeRoot(childOffsets: [fourYears]), .warn(offsetMillis: -fourYears), "one child alone only warns")
        XCTAssertEqual(ClockSafety.judgeRoot(childOffsets: [fourYears, fourYears + 3_000]), .refuse(offsetMillis: -(fourYears + 3_000)),
                       "every township years ahead: the county's clock is years behind")
        XCTAssertEqual(ClockSafety.judgeRoot(childOffsets: [fourYears, 2_000, 1_000]), .inStep, "one wrong township does not move the county")
        XCTAssertEqual(ClockSafety.judgeRoot(childOffsets: [-400_000, -380_000]), .refuse(offsetMillis: 380_000))
    }

    func testARestampedChangeKeepsAPlausibleWallTime() {
        XCTAssertEqual(ClockSafety.restampedWall(parent - 5_000, now: parent), parent - 5_000)
        XCTAssertEqual(ClockSafety.restampedWall(parent + fourYears, now: parent), parent)
    }
}
