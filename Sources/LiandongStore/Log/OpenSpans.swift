/// OpenSpan is the time a case is open (possible_duplicate): from `opened` until `closed`, nil
/// while it is still open. A span never closes before it opens.
struct OpenSpan<Point: Comparable> {
    var opened: Point
    var closed: Point?

    /// Two spans overlap when each opens before the other closes.
    func overlaps(_ other: OpenSpan) -> Bool {
        (other.closed.map { opened < $0 } ?? true) && (closed.map { other.opened < $0 } ?? true)
    }
}

/// OpenSpans finds the overlapping pairs of a set of spans by one sweep in opening order, keeping
/// only the spans not yet closed: the cost is the sorting and the pairs found, not the square of the
/// spans (an applicant with hundreds of cases of one item, nearly all closed long ago).
enum OpenSpans {
    /// The pairs `(i, j)` of indices into `spans`, `i < j`, whose spans overlap. With `involving`
    /// (one flag per span), only the pairs with at least one flagged span: the pairs a change made.
    static func overlappingPairs<Point>(_ spans: [OpenSpan<Point>], involving: [Bool]? = nil) -> [(Int, Int)] {
        let byOpening = spans.indices.sorted { spans[$0].opened < spans[$1].opened }
        let byClosing = spans.indices.compactMap { index in spans[index].closed.map { (index: index, closed: $0) } }.sorted { $0.closed < $1.closed }
        func flagged(_ index: Int) -> Int { (involving?[index] ?? true) ? 1 : 0 }
        // The spans opened and not yet closed, unflagged (0) and flagged (1); slot is each one's
        // place in its list, nil when it is in none.
        var active: [[Int]] = [[], []]
        var slot = [Int?](repeating: nil, count: spans.count)
        var gone = [Bool](repeating: false, count: spans.count)
        var nextClosing = 0
        var pairs: [(Int, Int)] = []
        for index in byOpening {
            let span = spans[index]
            // A span closed when (or before) this one opens overlaps neither it nor any opening later.
            while nextClosing < byClosing.count, byClosing[nextClosing].closed <= span.opened {
                let closing = byClosing[nextClosing].index
                gone[closing] = true
                if let at = slot[closing] {
                    let list = flagged(closing)
                    let last = active[list].removeLast()
                    if last != closing {
                        active[list][at] = last
                        slot[last] = at
                    }
                    slot[closing] = nil
                }
                nextClosing += 1
            }
            for list in flagged(index) == 1 ? [0, 1] : [1] {
                for other in active[list] where spans[other].overlaps(span) {
                    pairs.append((min(index, other), max(index, other)))
                }
            }
            if !gone[index] {
                let list = flagged(index)
                slot[index] = active[list].count
                active[list].append(index)
            }
        }
        return pairs
    }
}
