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

    func testBackoffGrowsToSixtySecondsWithJitterAndResetsOnSuccess() {
        var backoff = Backoff()
        XCTAssertEqual(backoff.failed(jitter: 1), 0.5)
        XCTAssertEqual(backoff.failed(jitter: 1), 1)
        XCTAssertEqual(backoff.failed(jitter: 0), 1, "half of the 2 s step")
        for _ in 0..<20 { _ = backoff.failed(jitter: 1) }
        XCTAssertEqual(backoff.failed(jitter: 1), 60)
        backoff.succeeded()
        XCTAssertEqual(backoff.failed(jitter: 1), 0.5)
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
