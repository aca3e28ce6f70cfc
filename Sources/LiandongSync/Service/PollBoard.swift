import Foundation

/// PollBoard holds the parked pull requests of a SyncService and wakes them when new routes
/// appear. A generation counter closes the race between a handler finding nothing and its
/// request being parked: a wake in between re-runs the request at once.
///
/// `@unchecked Sendable`: every field is guarded by `lock`.
final class PollBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    private var waiting: [LongPoll] = []
    /// Parked requests already authenticated, by node and nonce, with when they were received:
    /// a re-run of the same request is not refused as a replay.
    private var admitted: [String: (receivedAt: ContinuousClock.Instant, deadline: ContinuousClock.Instant)] = [:]

    var current: UInt64 { lock.withLock { generation } }

    /// Pulls parked and not yet answered.
    var parkedCount: Int { lock.withLock { waiting.filter { !$0.isResolved }.count } }

    /// Parks `poll`; if a wake happened since `seen`, the request re-runs at once.
    func park(_ poll: LongPoll, key: String, receivedAt: ContinuousClock.Instant, seen: UInt64) {
        let rerun: Bool = lock.withLock {
            let now = ContinuousClock.now
            admitted = admitted.filter { $0.value.deadline + .seconds(5) > now }
            waiting.removeAll { $0.isResolved }
            admitted[key] = (receivedAt, poll.deadline)
            if generation != seen { return true }
            waiting.append(poll)
            return false
        }
        if rerun { poll.settle(.rerun) }
    }

    /// True when this request is a re-run of one admitted and parked before.
    func isAdmitted(key: String, receivedAt: ContinuousClock.Instant) -> Bool {
        lock.withLock { admitted[key]?.receivedAt == receivedAt }
    }

    func finish(key: String) {
        lock.withLock { _ = admitted.removeValue(forKey: key) }
    }

    /// Re-runs every parked pull; returns how many were woken.
    @discardableResult
    func wakeAll() -> Int {
        let polls: [LongPoll] = lock.withLock {
            generation &+= 1
            defer { waiting.removeAll() }
            return waiting
        }
        return polls.filter { $0.settle(.rerun) }.count
    }
}
