import XCTest
@testable import LiandongDomain

/// Transfer (转办) only to a node that may handle the item at that step, and delivery at the
/// collection point chosen at acceptance whichever node decided after a transfer.
final class TransferGuardTests: XCTestCase {
    typealias F = CaseFixtures
    static let otherCounty = "330103"
    static let otherVillage = "330102002201"

    func testATransferGoesOnlyToATierThatHandlesTheItemAtThatStepInTheSameCounty() throws {
        var h = F.History()
        let accepted = try CaseReducer.apply(h.acceptance(), to: nil)
        let outside = h.make(F.village, .transfer, ["to": .string(Self.otherCounty + "001"), "reason": "属地调整"])
        XCTAssertThrowsError(try CaseReducer.apply(outside, to: accepted)) { error in
            XCTAssertTrue("\(error)".contains("不在本县"), "\(error)")
        }
        // Before forwarding, a village or township that accepts the item may take it over.
        let sideways = try CaseReducer.apply(h.make(F.village, .transfer, ["to": .string(Self.otherVillage), "reason": "申请人迁居"]), to: accepted)
        XCTAssertEqual(sideways.holder, Self.otherVillage)

        // A township-decided case under review at its township: only another township (the deciding tier) may take it.
        var t = F.History()
        let item = F.itemJSON(decideAt: "township")
        let review = try F.fold([t.acceptance(at: F.township, item: item), t.make(F.township, .review, ["opinion": "审查"])])
        XCTAssertEqual(review.status, .underReview)
        XCTAssertThrowsError(try CaseReducer.apply(t.make(F.township, .transfer, ["to": .string(Self.otherVillage), "reason": "x"]), to: review)) { error in
            XCTAssertTrue("\(error)".contains("不能在「审查」环节办理"), "\(error)")
        }
        let moved = try CaseReducer.apply(t.make(F.township, .transfer, ["to": .string(F.otherTownship), "reason": "管辖调整"]), to: review)
        XCTAssertEqual(moved.decider, F.otherTownship)
    }

    func testTheCollectionPointDeliversWhicheverTownshipDecidedAfterATransfer() throws {
        var h = F.History()
        let item = F.itemJSON(decideAt: "township")
        let changes = [
            h.acceptance(at: F.village, item: item),
            h.make(F.village, .forward, [:]),
            h.make(F.township, .transfer, ["to": .string(F.otherTownship), "reason": "管辖调整"]),
            h.make(F.otherTownship, .approve, [:]),
            h.make(F.otherTownship, .issue, [:]),
        ]
        let ready = try F.fold(changes)
        XCTAssertEqual(ready.decider, F.otherTownship)
        XCTAssertEqual(ready.collectAt, F.village)
        let delivered = try CaseReducer.apply(h.make(F.village, .deliver, ["method": "collected"]), to: ready)
        XCTAssertEqual(delivered.status, .delivered, "the village chosen at acceptance hands the result over")
        XCTAssertThrowsError(try CaseReducer.apply(h.make(Self.otherVillage, .deliver, ["method": "collected"]), to: ready))
    }

    func testTheResultPathRunsThroughTheCommonAncestor() {
        XCTAssertTrue(NodeCode.isOnPath(F.county, between: F.otherTownship, and: F.village))
        XCTAssertTrue(NodeCode.isOnPath(F.township, between: F.otherTownship, and: F.village))
        XCTAssertTrue(NodeCode.isOnPath(F.village, between: F.otherTownship, and: F.village))
        XCTAssertFalse(NodeCode.isOnPath(Self.otherVillage, between: F.otherTownship, and: F.village))
        XCTAssertFalse(NodeCode.isOnPath(F.county, between: F.township, and: F.village), "above the common ancestor")
    }
}
