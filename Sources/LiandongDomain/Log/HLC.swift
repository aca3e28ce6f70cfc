/// HLC is a hybrid logical clock reading: milliseconds of physical time and a logical counter,
/// packed into one integer so that the total order `(hlc, origin, seq)` is a cheap comparison.
/// Ten logical bits keep the packed value below 2^53 (the canonical integer range) until the year 2248.
/// A change made after seeing another always gets a larger HLC (DESIGN §5).
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let logicalBits: Int64 = 10
    public static let logicalMask: Int64 = (1 << logicalBits) - 1
    public static let zero = HLC(rawValue: 0)

    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public init(physicalMillis: Int64, logical: Int64) {
        self.rawValue = physicalMillis << HLC.logicalBits | (logical & HLC.logicalMask)
    }

    public var physicalMillis: Int64 { rawValue >> HLC.logicalBits }
    public var logical: Int64 { rawValue & HLC.logicalMask }

    public static func < (a: HLC, b: HLC) -> Bool { a.rawValue < b.rawValue }

    public var description: String { "\(physicalMillis).\(logical)" }
}

/// ClockSkewError: a change stamped too far ahead of this node's clock (DESIGN §6, clock sanity).
public struct ClockSkewError: Error, Equatable, CustomStringConvertible {
    public let remote: HLC
    public let localMillis: Int64
    public let maxSkewMillis: Int64

    public var description: String {
        "clock skew: change stamped \((remote.physicalMillis - localMillis) / 1000) s ahead of this node (limit \(maxSkewMillis / 1000) s)"
    }
}

/// HybridClock issues HLC readings for one node and advances past every reading it observes.
public struct HybridClock: Sendable {
    /// One village PC set to 2030 must not reorder the county: readings further ahead than this are refused.
    public static let defaultMaxSkewMillis: Int64 = 5 * 60 * 1000

    public private(set) var last: HLC
    public var maxSkewMillis: Int64

    public init(last: HLC = .zero, maxSkewMillis: Int64 = HybridClock.defaultMaxSkewMillis) {
        self.last = last
        self.maxSkewMillis = maxSkewMillis
    }

    /// A reading for a local event at physical time `now`.
    public mutating func tick(now: Int64) -> HLC {
        if now > last.physicalMillis {
            last = HLC(physicalMillis: now, logical: 0)
        } else if last.logical < HLC.logicalMask {
            last = HLC(physicalMillis: last.physicalMillis, logical: last.logical + 1)
        } else {
            // The counter is exhausted within one millisecond: borrow the next millisecond.
            last = HLC(physicalMillis: last.physicalMillis + 1, logical: 0)
        }
        return last
    }

    /// Checks a remote reading against the skew limit without observing it.
    public func check(_ remote: HLC, now: Int64) throws {
        if remote.physicalMillis - now > maxSkewMillis {
            throw ClockSkewError(remote: remote, localMillis: now, maxSkewMillis: maxSkewMillis)
        }
    }

    /// Observes a remote reading so that the next local reading sorts after it.
    public mutating func observe(_ remote: HLC, now: Int64) throws {
        try check(remote, now: now)
        if remote > last { last = remote }
    }
}
