import LiandongSync
import XCTest

/// The exchange decisions (ExchangeRules) as plain values: no store, no link.
final class ExchangeRulesTests: XCTestCase {
    let village = "330106109201"
    let township = "330106109"

    func head(_ seq: Int64, _ byte: UInt8 = 1) -> Head { Head(seq: seq, hash: [UInt8](repeating: byte, count: 32)) }

    func testOnlyTheSubtreeGoesUpAndTheParentsChainOnlyWhenItLacksIt() {
        XCTAssertTrue(ExchangeRules.sendsUp(origin: village, node: village, parent: township, parentLacksOwnChain: false))
        XCTAssertTrue(ExchangeRules.sendsUp(origin: township, node: township, parent: "330106", parentLacksOwnChain: false))
        XCTAssertTrue(ExchangeRules.sendsUp(origin: village, node: township, parent: "330106", parentLacksOwnChain: false))
        XCTAssertFalse(ExchangeRules.sendsUp(origin: township, node: village, parent: township, parentLacksOwnChain: false))
        XCTAssertTrue(ExchangeRules.sendsUp(origin: township, node: village, parent: township, parentLacksOwnChain: true))
        XCTAssertFalse(ExchangeRules.sendsUp(origin: "330106", node: village, parent: township, parentLacksOwnChain: true))
        XCTAssertFalse(ExchangeRules.sendsUp(origin: "330106109202", node: village, parent: township, parentLacksOwnChain: false))
        XCTAssertTrue(ExchangeRules.parentLacksOwnChain(parentHeadOfItself: 3, localHeadOfParent: 5))
        XCTAssertFalse(ExchangeRules.parentLacksOwnChain(parentHeadOfItself: 5, localHeadOfParent: 5))
    }

    func testWhatTheParentLacksGoesFromItsHeads() {
        let local: [String: Int64] = [village: 9, township: 4, "330106109202": 2]
        let parent: Heads = [village: head(6), township: head(4)]
        let lacking = ExchangeRules.lacking(local: local, parent: parent) { $0.hasPrefix(self.township) }
        XCTAssertEqual(lacking.map(\.origin), [township + "202", village].sorted())
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: lacking.map { ($0.origin, $0.after) }), ["330106109202": 0, village: 6])
        XCTAssertTrue(ExchangeRules.lacking(local: [village: 6], parent: [village: head(6)]) { _ in true }.isEmpty)
        // A parent ahead (it holds more than this node) is sent nothing.
        XCTAssertTrue(ExchangeRules.lacking(local: [village: 3], parent: [village: head(6)]) { _ in true }.isEmpty)
    }

    func testABatchStopsAtItsCountOrItsBytesButNeverEmpty() {
        XCTAssertEqual(ExchangeRules.batchCount(sizes: [10, 10, 10], limit: 2, maxBytes: 100), 2)
        XCTAssertEqual(ExchangeRules.batchCount(sizes: [40, 40, 40], limit: 10, maxBytes: 100), 2)
        XCTAssertEqual(ExchangeRules.batchCount(sizes: [500, 1], limit: 10, maxBytes: 100), 1, "one change larger than the limit goes alone")
        XCTAssertEqual(ExchangeRules.batchCount(sizes: [], limit: 10, maxBytes: 100), 0)
    }

    func testWhatWasSentCountsAsAnsweredAndHeadsOnlyMoveForward() {
        let before: Heads = [village: head(3)]
        let sent: [(origin: String, seq: Int64, hash: [UInt8])] = [(village, 4, head(4, 4).hash), (village, 5, head(5, 5).hash)]
        // The parent quarantined #5: its head stays at 4, but #5 is not sent again in this exchange.
        let after = ExchangeRules.acknowledged(before, sent: sent, answer: [village: head(4, 4)])
        XCTAssertEqual(after[village], head(5, 5))
        // An answer naming more than was sent (another path brought it) moves the head on.
        XCTAssertEqual(ExchangeRules.acknowledged(before, sent: sent, answer: [village: head(8, 8)])[village], head(8, 8))
        XCTAssertEqual(ExchangeRules.acknowledged([:], sent: [], answer: [township: head(2)])[township], head(2))
    }

    func testTheCursorStartsOverOnlyForAnotherParentOrAnotherLog() {
        XCTAssertFalse(ExchangeRules.resetsCursor(knownCode: township, knownEpoch: "e1", cursor: 40, code: township, epoch: "e1"))
        XCTAssertTrue(ExchangeRules.resetsCursor(knownCode: township, knownEpoch: "e1", cursor: 40, code: township, epoch: "e2"))
        XCTAssertTrue(ExchangeRules.resetsCursor(knownCode: "330106110", knownEpoch: "e1", cursor: 40, code: township, epoch: "e1"))
        XCTAssertFalse(ExchangeRules.resetsCursor(knownCode: nil, knownEpoch: nil, cursor: 0, code: township, epoch: "e1"))
        XCTAssertEqual(ExchangeRules.cursorAfterPull(knownEpoch: "e1", answerEpoch: "e1", next: 12), .advance(to: 12))
        XCTAssertEqual(ExchangeRules.cursorAfterPull(knownEpoch: nil, answerEpoch: "e1", next: 12), .advance(to: 12))
        XCTAssertEqual(ExchangeRules.cursorAfterPull(knownEpoch: "e1", answerEpoch: "e2", next: 12), .restart(epoch: "e2"))
        XCTAssertTrue(ExchangeRules.pullFinished(received: 0, more: false))
        XCTAssertFalse(ExchangeRules.pullFinished(received: 0, more: true), "a page of echoes skipped is not the end")
        XCTAssertFalse(ExchangeRules.pullFinished(received: 3, more: false))
    }

    func testAReturnBundleMovesTheCursorOnlyWithoutAGap() {
        XCTAssertEqual(ExchangeRules.cursorAfterBundle(cursor: 10, knownEpoch: "e1", epoch: "e1", after: 10, next: 30), 30)
        XCTAssertEqual(ExchangeRules.cursorAfterBundle(cursor: 10, knownEpoch: "e1", epoch: "e1", after: 4, next: 30), 30, "an overlap is fine")
        XCTAssertEqual(ExchangeRules.cursorAfterBundle(cursor: 10, knownEpoch: "e1", epoch: "e1", after: 20, next: 30), 10, "a gap: the pull brings it")
        XCTAssertEqual(ExchangeRules.cursorAfterBundle(cursor: 10, knownEpoch: "e1", epoch: "e2", after: 0, next: 30), 10, "another log")
        XCTAssertEqual(ExchangeRules.cursorAfterBundle(cursor: 40, knownEpoch: "e1", epoch: "e1", after: 10, next: 30), 40, "an old bundle")
        XCTAssertEqual(ExchangeRules.cursorAfterBundle(cursor: 0, knownEpoch: nil, epoch: "e1", after: 0, next: 30), 30)
    }

    func testAChildsBundleAcknowledgesOnlyForwardInTheSameLog() {
        XCTAssertEqual(ExchangeRules.acknowledgedByBundle(acked: 5, epoch: "e1", childCursor: 9, childEpoch: "e1"), 9)
        XCTAssertEqual(ExchangeRules.acknowledgedByBundle(acked: 5, epoch: "e1", childCursor: 3, childEpoch: "e1"), 5)
        XCTAssertEqual(ExchangeRules.acknowledgedByBundle(acked: 5, epoch: "e1", childCursor: 9, childEpoch: "e0"), 5)
        XCTAssertEqual(ExchangeRules.acknowledgedByBundle(acked: 5, epoch: "e1", childCursor: 9, childEpoch: nil), 5)
    }
}
