import XCTest

@testable import LiandongDomain
@testable import LiandongStore
@testable import LiandongSync

/// The client's batch size and backoff, as plain values.
final class SyncPolicyTests: XCTestCase {
    func testBatchSizeDoublesOnSuccessAndHalvesOnFailureWithinItsBounds() {
        var sizer = BatchSizer()
        XCTAssertEqual(sizer.size, 200)
        sizer.succeeded()
        XCTAssertEqual(sizer.size, 400)
        for _ in 0..<10 { sizer.succeeded() }
        XCTAssertEqual(sizer.size, 5000)
        sizer.failed()
        XCTAssertEqual(sizer.size, 2500)
        for _ in 0..<20 { sizer.failed() }
        XCTAssertEqual(sizer.size, 10)
    }

    func testBackoffGrowsToEightSecondsWithJitterAndResetsOnSuccess() {
        var backoff = Backoff()
        XCTAssertEqual(backoff.failed(jitter: 1), 0.5)
        XCTAssertEqual(backoff.failed(jitter: 1), 1)
        XCTAssertEqual(backoff.failed(jitter: 0), 1, "half of the 2 s step")
        for _ in 0..<20 { _ = backoff.failed(jitter: 1) }
        XCTAssertEqual(backoff.failed(jitter: 1), 8)
        XCTAssertEqual(backoff.failed(jitter: 0), 4)
        backoff.succeeded()
        XCTAssertEqual(backoff.failed(jitter: 1), 0.5)
    }

    /// A five-minute outage, attempts failing at once (refused or cut), then the link returns at
    /// an arbitrary moment: whatever the jitter, the next attempt comes within 10 s of the heal.
    func testALinkBackAfterALongOutageIsRetriedWithinTenSeconds() {
        for seed in 0..<200 {
            var generator = SplitMix(seed: UInt64(seed))
            var schedule = RetrySchedule()
            let heal = 300 + Double(generator.next() % 10_000) / 1000
            var now = 0.0
            while now < heal {
                guard case .wait(let until) = schedule.failed(at: now, jitter: generator.unit()) else {
                    return XCTFail("a failure must schedule a wait")
                }
                XCTAssertGreaterThan(until, now)
                now = until
            }
            XCTAssertLessThanOrEqual(now - heal, 10, "seed \(seed): retried \(now - heal) s after the heal")
            XCTAssertEqual(schedule.succeeded(), .proceed)
            XCTAssertNil(schedule.nextAttempt)
            guard case .wait(let until) = schedule.failed(at: now, jitter: 1) else { return XCTFail() }
            XCTAssertEqual(until - now, 0.5, "a success starts the back-off over")
        }
    }

    func testMessagesNameTheBadField() throws {
        XCTAssertThrowsError(try PullRequest(MessageReader.parse(Array(#"{"protocol":1,"after":0,"limit":0}"#.utf8)))) { error in
            XCTAssertEqual((error as? SyncError)?.details["field"], "limit")
        }
        XCTAssertThrowsError(try MessageReader.parse(Array(#"{"after":0}"#.utf8))) { error in
            XCTAssertEqual((error as? SyncError)?.details["field"], "protocol")
        }
        XCTAssertThrowsError(try MessageReader.parse(Array(#"[1]"#.utf8))) { error in
            XCTAssertEqual((error as? SyncError)?.code, "invalid_message")
        }
        let pull = try PullRequest(MessageReader.parse(PullRequest(after: 7, limit: 10, wait: 3).json.canonicalBytes))
        XCTAssertEqual([pull.after, pull.limit, pull.wait], [7, 10, 3])
    }

    func testTheSignedTextIsTheContractsLayout() {
        let text = RequestSignature.signedText(method: "POST", path: "/sync/v1/pull", node: "330106001", time: 42, nonce: "ab", body: [])
        XCTAssertEqual(String(decoding: text, as: UTF8.self),
                       "liandong-sync-1\nPOST\n/sync/v1/pull\n330106001\n42\nab\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

/// SplitMix is a tiny seeded generator so that a failing case names its seed and replays.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
