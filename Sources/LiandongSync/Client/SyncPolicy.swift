/// BatchSizer is the push batch size adapting to the link (Protocol/sync.md, client loop):
/// it starts at 200, doubles after a batch that went through, halves after one that failed.
public struct BatchSizer: Sendable, Equatable {
    public static let initial = 200
    public static let maximum = 5000
    public static let minimum = 10
    /// Largest push body in bytes of change text.
    public static let maxBytes = 4 << 20

    public private(set) var size: Int

    public init(size: Int = BatchSizer.initial) { self.size = size }

    public mutating func succeeded() { size = min(Self.maximum, size * 2) }
    public mutating func failed() { size = max(Self.minimum, size / 2) }
}

/// Backoff is the wait before retrying after a failed exchange: from 0.5 s doubling to 60 s,
/// with jitter (a random factor in 0.5…1.0 supplied by the caller), reset by a success.
public struct Backoff: Sendable, Equatable {
    public static let first: Double = 0.5
    public static let limit: Double = 60

    public private(set) var failures = 0

    public init() {}

    /// Records a failure and returns the seconds to wait; `jitter` in 0…1 scales between half and all of the step.
    public mutating func failed(jitter: Double) -> Double {
        failures += 1
        let step = min(Self.limit, Self.first * Double(1 << min(failures - 1, 20)))
        return step * (0.5 + 0.5 * min(1, max(0, jitter)))
    }

    public mutating func succeeded() { failures = 0 }
}
