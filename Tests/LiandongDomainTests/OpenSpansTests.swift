import LiandongDomain
import XCTest

/// The sweep that finds the sets of transitively overlapping open spans (possible_duplicate), against
/// the plain comparison of every pair joined by union-find, on random spans with equal closings,
/// spans closed where they open (never open) and spans still open.
final class OpenSpansTests: XCTestCase {
    private func everySet(_ spans: [OpenSpan<Int>]) -> Set<[Int]> {
        var parent = Array(spans.indices)
        func root(_ i: Int) -> Int { parent[i] == i ? i : root(parent[i]) }
        let open = spans.indices.filter { i in spans[i].closed.map { spans[i].opened < $0 } ?? true }
        for i in open {
            for j in open where i < j && spans[i].overlaps(spans[j]) { parent[root(j)] = root(i) }
        }
        let sets = Dictionary(grouping: open, by: root).values.filter { $0.count > 1 }
        return Set(sets.map { $0.sorted() })
    }

    func testTheSweepFindsExactlyTheSetsLinkedByOverlaps() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 0...40, using: &random)
            let openings = Array(0...200).shuffled(using: &random).prefix(count)
            let spans = openings.map { opened -> OpenSpan<Int> in
                let closed = Int.random(in: 0...3, using: &random) == 0 ? nil : opened + Int.random(in: 0...12, using: &random)
                return OpenSpan(opened: opened, closed: closed)
            }
            let found = OpenSpans.overlappingSets(spans)
            XCTAssertEqual(found.flatMap { $0 }.count, Set(found.flatMap { $0 }).count, "each span in one set at most")
            for set in found { XCTAssertEqual(set, set.sorted { spans[$0].opened < spans[$1].opened }, "a set in opening order") }
            XCTAssertEqual(Set(found.map { $0.sorted() }), everySet(spans), "\(spans)")
        }
    }

    func testSpansThatOnlyTouchAreNotLinked() {
        let spans = [OpenSpan(opened: 1, closed: 3), OpenSpan(opened: 3, closed: 5), OpenSpan(opened: 5, closed: nil), OpenSpan(opened: 4, closed: 4),
                     OpenSpan(opened: 6, closed: 7)]
        XCTAssertEqual(OpenSpans.overlappingSets(spans), [[2, 4]])
    }

    func testAChainIsOneSetThoughItsEndsNeverMeet() {
        let spans = [OpenSpan(opened: 1, closed: 4), OpenSpan(opened: 3, closed: 6), OpenSpan(opened: 5, closed: 8), OpenSpan(opened: 9, closed: 10)]
        XCTAssertEqual(OpenSpans.overlappingSets(spans), [[0, 1, 2]])
    }
}
