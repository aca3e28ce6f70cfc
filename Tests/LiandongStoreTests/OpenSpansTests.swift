@testable import LiandongStore
import XCTest

/// The sweep that finds overlapping open spans (possible_duplicate), against the plain comparison
/// of every pair on random spans with ties, spans closed where they open, and spans still open.
final class OpenSpansTests: XCTestCase {
    private func everyPair(_ spans: [OpenSpan<Int>], involving: [Bool]?) -> Set<[Int]> {
        var pairs: Set<[Int]> = []
        for i in spans.indices {
            for j in spans.indices where i < j && spans[i].overlaps(spans[j]) && (involving.map { $0[i] || $0[j] } ?? true) {
                pairs.insert([i, j])
            }
        }
        return pairs
    }

    func testTheSweepFindsExactlyThePairsThatOverlap() {
        var random = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let count = Int.random(in: 0...40, using: &random)
            let spans = (0..<count).map { _ -> OpenSpan<Int> in
                let opened = Int.random(in: 0...60, using: &random)
                let closed = Int.random(in: 0...3, using: &random) == 0 ? nil : opened + Int.random(in: 0...12, using: &random)
                return OpenSpan(opened: opened, closed: closed)
            }
            let involving = round % 2 == 0 ? nil : spans.map { _ in Int.random(in: 0...4, using: &random) == 0 }
            let found = OpenSpans.overlappingPairs(spans, involving: involving)
            XCTAssertEqual(found.count, Set(found.map { [$0.0, $0.1] }).count, "each pair once")
            XCTAssertTrue(found.allSatisfy { $0.0 < $0.1 })
            XCTAssertEqual(Set(found.map { [$0.0, $0.1] }), everyPair(spans, involving: involving), "\(spans) \(String(describing: involving))")
        }
    }

    func testSpansThatOnlyTouchDoNotOverlap() {
        let spans = [OpenSpan(opened: 1, closed: 3), OpenSpan(opened: 3, closed: 5), OpenSpan(opened: 5, closed: nil), OpenSpan(opened: 4, closed: 4)]
        XCTAssertEqual(Set(OpenSpans.overlappingPairs(spans).map { [$0.0, $0.1] }), [[1, 3]])
    }
}
