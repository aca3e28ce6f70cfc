import LiandongDomain
import XCTest

/// The receiver's checks of a change from a neighbour (Protocol/sync.md, push checks 2–7), judged
/// from the change and plain facts of what is held.
final class IngestChecksTests: XCTestCase {
    let county = CaseFixtures.county
    let township = CaseFixtures.township
    let village = CaseFixtures.village
    let now: Int64 = 1_800_000_000_000
    let previous = [UInt8](repeating: 7, count: 32)

    func change(from origin: String, seq: Int64 = 2, at millis: Int64? = nil, prev: [UInt8]? = nil) -> Change {
        Change(origin: origin, seq: seq, hlc: HLC(physicalMillis: millis ?? now, logical: 0), wall: millis ?? now, actor: "agent",
               entity: "\(origin)-20270115-0001", kind: CaseAction.review.kind, payload: [:], parties: [origin],
               prev: prev ?? previous, hash: [UInt8](repeating: 1, count: 32))
    }

    func held(from neighbour: String, at: [UInt8]? = nil, previous: [UInt8]? = nil, registered: Bool = true, revokedAt: HLC? = nil) -> IngestChecks.Held {
        IngestChecks.Held(receiver: township, neighbour: neighbour, hashAtSeq: at, previousHash: previous ?? self.previous,
                          originRegistered: registered, originRevokedAt: revokedAt, nowMillis: now, maxSkewMillis: 300_000)
    }

    func reason(_ verdict: IngestChecks.Verdict) -> String? {
        if case .quarantine(let reason, _) = verdict { return reason }
        return nil
    }

    func testAWellFormedChangeFromTheChildsSubtreePasses() {
        let good = change(from: village)
        XCTAssertEqual(IngestChecks.judge(good, bodyHash: good.hash, held: held(from: village)), .passes)
        XCTAssertEqual(IngestChecks.judge(good, bodyHash: good.hash, held: held(from: village, at: good.hash)), .duplicate)
    }

    func testTheChecksRunInTheSpecsOrder() {
        let good = change(from: village)
        XCTAssertEqual(reason(IngestChecks.judge(good, bodyHash: good.hash, held: held(from: village, at: [9]))), QuarantineReason.fork)
        // A change wrong in every way is refused for the first check it fails: its hash.
        let bad = change(from: "330102002201", at: now + 600_000, prev: [0])
        XCTAssertEqual(reason(IngestChecks.judge(bad, bodyHash: [2], held: held(from: village, registered: false))), QuarantineReason.badHash)
        XCTAssertEqual(reason(IngestChecks.judge(bad, bodyHash: bad.hash, held: held(from: village, registered: false))), QuarantineReason.unknownOrigin)
        XCTAssertEqual(reason(IngestChecks.judge(bad, bodyHash: bad.hash, held: held(from: village, revokedAt: HLC(physicalMillis: now, logical: 0)))),
                       QuarantineReason.revokedOrigin)
        XCTAssertEqual(reason(IngestChecks.judge(bad, bodyHash: bad.hash, held: held(from: village))), QuarantineReason.notInSubtree)
        let ahead = change(from: village, at: now + 600_000, prev: [0])
        XCTAssertEqual(reason(IngestChecks.judge(ahead, bodyHash: ahead.hash, held: held(from: village))), QuarantineReason.clockSkew)
        let unlinked = change(from: village, prev: [0])
        XCTAssertEqual(reason(IngestChecks.judge(unlinked, bodyHash: unlinked.hash, held: held(from: village))), QuarantineReason.brokenChain)
    }

    func testFromTheParentAnyOriginMayArriveAndTheReceiversOwnChainComingBackUnlinkedIsAFork() {
        let sibling = change(from: "330102002201")
        XCTAssertEqual(IngestChecks.judge(sibling, bodyHash: sibling.hash, held: held(from: county)), .passes, "the parent relays other branches")
        let own = change(from: township, prev: [0])
        XCTAssertEqual(reason(IngestChecks.judge(own, bodyHash: own.hash, held: held(from: village))), QuarantineReason.fork,
                       "a restored node's seq given out twice")
        XCTAssertEqual(IngestChecks.judge(change(from: township), bodyHash: change(from: township).hash, held: held(from: village)), .passes,
                       "its own chain returned by a child")
    }

    func testAChangeAtTheRevocationTimeIsRefusedOneBeforeIsNot() {
        let before = change(from: village, at: now - 1)
        XCTAssertEqual(IngestChecks.judge(before, bodyHash: before.hash, held: held(from: village, revokedAt: HLC(physicalMillis: now, logical: 0))),
                       .passes)
    }
}
