import Foundation

/// ParkingLot tracks a server's parked long-polls and live requests, and expires deadlines.
///
/// It exists so that `stop()` can drain before `MHD_stop_daemon`, which aborts the process if
/// any connection is still suspended (STYLE.md pitfalls). Lock order: a LongPoll's lock may be
/// held while taking this one, never the reverse.
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`.
final class ParkingLot: @unchecked Sendable {
    private let condition = NSCondition()
    private var parked: [ObjectIdentifier: LongPoll] = [:]
    private var stopping = false
    private var sweeping = true
    /// Connections suspended whose `MHD_resume_connection` call has not yet returned.
    private var suspended = 0
    /// Requests between their first access-handler call and their completion callback.
    private var active = 0

    /// Registers a long-poll whose connection is suspended; false once the server is stopping.
    func enter(_ poll: LongPoll) -> Bool {
        condition.withLock {
            guard !stopping else { return false }
            parked[ObjectIdentifier(poll)] = poll
            condition.broadcast()
            return true
        }
    }

    func leave(_ poll: LongPoll) {
        condition.withLock { _ = parked.removeValue(forKey: ObjectIdentifier(poll)) }
    }

    /// Called just before `MHD_suspend_connection`.
    func willSuspend() {
        condition.withLock { suspended += 1 }
    }

    /// Called just after `MHD_resume_connection` returned.
    func resumed() {
        condition.withLock {
            suspended -= 1
            condition.broadcast()
        }
    }

    func requestStarted() {
        condition.withLock { active += 1 }
    }

    func requestFinished() {
        condition.withLock {
            active -= 1
            condition.broadcast()
        }
    }

    func polls(topic: String) -> [LongPoll] {
        condition.withLock { parked.values.filter { $0.topic == topic } }
    }

    /// Refuses new long-polls from now on and hands back those parked, for their fallbacks.
    func beginStop() -> [LongPoll] {
        condition.withLock {
            stopping = true
            return Array(parked.values)
        }
    }

    /// True once `beginStop` has run: responses then ask the client to close the connection.
    var isStopping: Bool {
        condition.withLock { stopping }
    }

    /// Waits until no connection is suspended. Unbounded on purpose: once stopping, every
    /// suspended connection is resumed within a few instructions, and stopping MHD earlier
    /// would abort the process.
    func waitUntilNothingSuspended() {
        condition.withLock {
            while suspended > 0 { condition.wait() }
        }
    }

    /// Waits until every request has completed or `timeout` passes; true if all completed.
    func waitUntilIdle(timeout: Duration) -> Bool {
        let limit = Date().addingTimeInterval(timeout.seconds)
        return condition.withLock {
            while active > 0 {
                if !condition.wait(until: limit) { return active == 0 }
            }
            return true
        }
    }

    /// The deadline thread's body: sends the fallback of each long-poll past its deadline.
    func sweepDeadlines() {
        condition.lock()
        while sweeping {
            let now = ContinuousClock.now
            let expired = parked.values.filter { $0.deadline <= now }
            if !expired.isEmpty {
                condition.unlock()
                for poll in expired { poll.settle(.respond(poll.fallback)) }
                condition.lock()
            } else if let next = parked.values.map(\.deadline).min() {
                _ = condition.wait(until: Date().addingTimeInterval((next - now).seconds))
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }

    func stopSweeping() {
        condition.withLock {
            sweeping = false
            condition.broadcast()
        }
    }
}

extension Duration {
    /// The duration in seconds, for Foundation's timed waits.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
