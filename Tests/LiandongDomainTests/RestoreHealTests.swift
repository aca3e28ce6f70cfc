import LiandongDomain
import XCTest

/// The heal of a restored node, judged on plain values: who is still owed, what is lost, where the chain continues.
final class RestoreHealTests: XCTestCase {
    let a: [UInt8] = Array(repeating: 1, count: 32)
    let b: [UInt8] = Array(repeating: 2, count: 32)

    func testAChildThatHasNotSaidHelloIsWaitedFor() {
        XCTAssertEqual(RestoreHeal.childState(report: nil, heldHash: nil, waived: false), .notReported)
        let state = RestoreHeal.state(restored: true, children: ["330106109": .notReported, "330106110": .returned])
        XCTAssertEqual(state, .waiting(pending: ["330106109"]))
        XCTAssertTrue(state.message?.hasPrefix("恢复中：等待下级回传本节点的变更") ?? false)
        XCTAssertTrue(state.message?.contains("330106109") ?? false)
    }

    func testAChildHoldingMoreOfTheChainIsReturningUntilItIsHeldHere() {
        let report = RestoreHeal.Report(seq: 40, hash: a)
        XCTAssertEqual(RestoreHeal.childState(report: report, heldHash: nil, waived: false), .returning)
        XCTAssertEqual(RestoreHeal.childState(report: report, heldHash: a, waived: false), .returned)
        XCTAssertEqual(RestoreHeal.state(restored: true, children: ["330106109": .returning]), .waiting(pending: ["330106109"]))
    }

    func testARestoredChildWaitsForItsParentUntilOneExchangeBroughtItsChainBack() {
        let parent = (code: "330106109", state: RestoreHeal.ChildState.notReported)
        let state = RestoreHeal.state(restored: true, children: [:], parent: parent)
        XCTAssertEqual(state, .waiting(pending: [], parent: "330106109"))
        XCTAssertEqual(state.pendingNeighbours, ["330106109"])
        XCTAssertTrue(state.message?.hasPrefix(RestoreHeal.waitingForParentMessage) ?? false)
        XCTAssertFalse(state.message?.contains(RestoreHeal.waitingMessage) ?? true, "no child is owed")
        let both = RestoreHeal.state(restored: true, children: ["330106109001": .notReported], parent: parent)
        XCTAssertEqual(both.pendingNeighbours, ["330106109", "330106109001"])
        XCTAssertTrue(both.message?.contains(RestoreHeal.waitingMessage) ?? false)
        XCTAssertEqual(RestoreHeal.state(restored: true, children: [:], parent: (code: "330106109", state: .returned)), .healed)
        XCTAssertEqual(RestoreHeal.state(restored: true, children: [:], parent: (code: "330106109", state: .waived)), .healed)
    }

    func testADifferentChangeAtTheReportedSeqIsAForkAndOwesNothing() {
        XCTAssertEqual(RestoreHeal.childState(report: .init(seq: 7, hash: a), heldHash: b, waived: false), .forked)
        XCTAssertEqual(RestoreHeal.state(restored: true, children: ["330106109": .forked]), .healed)
    }

    func testAChildHoldingNothingOfTheNodeOwesNothing() {
        XCTAssertEqual(RestoreHeal.childState(report: .init(seq: 0, hash: a), heldHash: nil, waived: false), .returned)
    }

    func testTheOperatorEndsTheWaitForAChildThatNeverComesBack() {
        XCTAssertEqual(RestoreHeal.childState(report: nil, heldHash: nil, waived: true), .waived)
        XCTAssertEqual(RestoreHeal.childState(report: .init(seq: 9, hash: a), heldHash: nil, waived: true), .waived)
        XCTAssertEqual(RestoreHeal.state(restored: true, children: ["330106109": .waived, "330106110": .returned]), .healed)
    }

    func testANodeNeverRestoredOrWithoutChildrenIsHealed() {
        XCTAssertEqual(RestoreHeal.state(restored: false, children: ["330106109": .notReported]), .healed)
        XCTAssertEqual(RestoreHeal.state(restored: true, children: [:]), .healed)
        XCTAssertNil(RestoreHeal.State.healed.message)
    }

    func testLostSeqsAreTheGapsUpToTheHead() {
        XCTAssertEqual(RestoreHeal.lostSeqs(held: [1, 2, 5, 3, 8], head: 8), [4, 6, 7])
        XCTAssertEqual(RestoreHeal.lostSeqs(held: [], head: 0), [])
        XCTAssertEqual(RestoreHeal.lostSeqs(held: [1, 2], head: 4), [3, 4])
        XCTAssertEqual(RestoreHeal.describe([4, 6, 7, 9, 10, 11]), "#4、#6–#7、#9–#11")
    }

    func testTheChainContinuesPastTheHighestReportedSeq() {
        XCTAssertEqual(RestoreHeal.continuation(ownHead: 30, reports: [.init(seq: 41, hash: a), .init(seq: 35, hash: b)]), 41)
        XCTAssertEqual(RestoreHeal.continuation(ownHead: 30, reports: []), 30)
        XCTAssertEqual(RestoreHeal.continuation(ownHead: 50, reports: [.init(seq: 41, hash: a)]), 50)
    }
}
