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

/// Backoff is the wait before retrying after a failed exchange: from 0.5 s doubling to 8 s,
/// with jitter (a random factor in 0.5…1.0 supplied by the caller), reset by a success.
///
/// The cap is what brings a node back on the air quickly: a link that returns after a long
/// outage is tried again within `limit` seconds (issue 14: a 60 s cap left 1,500 waiting cases
/// unsent for up to a minute after the link was back). Eight seconds keeps a retry under the
/// 10 s promised in Protocol/sync.md while a dead parent costs at most one small request per 4–8 s.
public struct Backoff: Sendable, Equatable {
    public static let first: Double = 0.5
    public static let limit: Double = 8

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

/// RetrySchedule is one sync lane's retry timing as a pure state machine: events in (an exchange
/// failed or succeeded at a time), the time of the next attempt out. Time and jitter are injected,
/// so the promise "retried within 10 s of the link coming back" is tested with plain values.
public struct RetrySchedule: Sendable, Equatable {
    /// What the lane should do next.
    public enum Action: Sendable, Equatable {
        /// Try again at once (the last exchange went through).
        case proceed
        /// Wait until this time (seconds on the caller's clock) before the next attempt.
        case wait(until: Double)
    }

    public private(set) var backoff = Backoff()
    /// When the next attempt is due; nil while exchanges succeed.
    public private(set) var nextAttempt: Double?

    public init() {}

    /// An exchange failed at `now`; `jitter` in 0…1.
    public mutating func failed(at now: Double, jitter: Double) -> Action {
        let due = now + backoff.failed(jitter: jitter)
        nextAttempt = due
        return .wait(until: due)
    }

    /// An exchange went through: the back-off starts over.
    public mutating func succeeded() -> Action {
        backoff.succeeded()
        nextAttempt = nil
        return .proceed
    }
}
