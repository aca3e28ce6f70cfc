/// OpenSpan is the time a case is open (possible_duplicate): from `opened` until `closed`, nil
/// while it is still open. A span never closes before it opens.
public struct OpenSpan<Point: Comparable> {
    public var opened: Point
    public var closed: Point?

    public init(opened: Point, closed: Point?) {
        self.opened = opened
        self.closed = closed
    }

    /// Two spans overlap when each opens before the other closes.
    public func overlaps(_ other: OpenSpan) -> Bool {
        (other.closed.map { opened < $0 } ?? true) && (closed.map { other.opened < $0 } ?? true)
    }
}

/// OpenSpans finds the sets of spans that overlap transitively (each span of a set is linked to every
/// other by a chain of overlapping spans) by one sweep in opening order: the cost is the sorting, not
/// the square of the spans (an applicant with hundreds of cases of one item open at once).
public enum OpenSpans {
    /// The maximal sets of two or more spans that overlap transitively, as indices into `spans`, each
    /// set in opening order and the sets in the order of their first opening. The openings must be
    /// distinct points (they are distinct changes); a span that closes where it opens is never open.
    public static func overlappingSets<Point>(_ spans: [OpenSpan<Point>]) -> [[Int]] {
        let byOpening = spans.indices
            .filter { index in spans[index].closed.map { spans[index].opened < $0 } ?? true }
            .sorted { spans[$0].opened < spans[$1].opened }
        var sets: [[Int]] = []
        var current: [Int] = []
        // Where the current set stops being open: the latest closing of its spans, nil while one is open.
        var reach: Point?
        var endless = false
        for index in byOpening {
            let span = spans[index]
            // A span opening before the set's reach overlaps the set's span that reaches furthest.
            if !current.isEmpty, endless || reach.map({ span.opened < $0 }) == true {
                current.append(index)
            } else {
                if current.count > 1 { sets.append(current) }
                current = [index]
                reach = nil
                endless = false
            }
            if let closed = span.closed {
                if reach.map({ $0 < closed }) ?? true { reach = closed }
            } else {
                endless = true
            }
        }
        if current.count > 1 { sets.append(current) }
        return sets
    }
}
