import Foundation
import LiandongStore

/// PollBoard holds the parked pull requests of a SyncService, each under its child's code, and
/// wakes those a move of the log concerns (LogMove: the parties its new routes name). Waking
/// every parked pull on every commit made a county with 600 children parked re-run 600 pulls,
/// each a turn of the one writer, per push during a burst (issue 11 item 5).
///
/// A generation counter closes the race between a handler finding nothing and its request being
/// parked: the moves since the handler looked are kept (the last `remembered`), and one of them
/// that concerns the child, or a look older than all of them, re-runs the request at once.
///
/// `@unchecked Sendable`: every field is guarded by `lock`.
final class PollBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    /// The last moves announced, oldest first: the generation each made and what it concerns.
    private var moves: [(generation: UInt64, move: LogMove)] = []
    static let remembered = 256
    private var waiting: [(child: String, poll: LongPoll)] = []
    /// Parked requests already authenticated, by node and nonce, with when they were received:
    /// a re-run of the same request is not refused as a replay.
    private var admitted: [String: (receivedAt: ContinuousClock.Instant, deadline: ContinuousClock.Instant)] = [:]

    var current: UInt64 { lock.withLock { generation } }

    /// Pulls parked and not yet answered.
    var parkedCount: Int { lock.withLock { waiting.filter { !$0.poll.isResolved }.count } }

    /// Parks `poll` of `child`; if a move that concerns it happened since `seen`, the request re-runs at once.
    func park(_ poll: LongPoll, child: String, key: String, receivedAt: ContinuousClock.Instant, seen: UInt64) {
        let rerun: Bool = lock.withLock {
            let now = ContinuousClock.now
            admitted = admitted.filter { $0.value.deadline + .seconds(5) > now }
            waiting.removeAll { $0.poll.isResolved }
            admitted[key] = (receivedAt, poll.deadline)
            if movedSince(seen, concerning: child) { return true }
            waiting.append((child, poll))
            return false
        }
        if rerun { poll.settle(.rerun) }
    }

    /// Under `lock`: whether a move after generation `seen` concerns `child`. Moves no longer
    /// remembered may have: then yes.
    private func movedSince(_ seen: UInt64, concerning child: String) -> Bool {
        guard generation != seen else { return false }
        guard let oldest = moves.first?.generation, oldest <= seen &+ 1 else { return true }
        return moves.contains { $0.generation > seen && $0.move.concerns(child) }
    }

    /// True when this request is a re-run of one admitted and parked before.
    func isAdmitted(key: String, receivedAt: ContinuousClock.Instant) -> Bool {
        lock.withLock { admitted[key]?.receivedAt == receivedAt }
    }

    func finish(key: String) {
        lock.withLock { _ = admitted.removeValue(forKey: key) }
    }

    /// Re-runs the parked pulls `move` concerns; returns how many were woken.
    @discardableResult
    func wake(_ move: LogMove) -> Int {
        let polls: [LongPoll] = lock.withLock {
            generation &+= 1
            moves.append((generation, move))
            if moves.count > Self.remembered { moves.removeFirst(moves.count - Self.remembered) }
            var woken: [LongPoll] = []
            waiting.removeAll { entry in
                guard move.concerns(entry.child) else { return entry.poll.isResolved }
                woken.append(entry.poll)
                return true
            }
            return woken
        }
        return polls.filter { $0.settle(.rerun) }.count
    }

    /// Re-runs every parked pull; returns how many were woken.
    @discardableResult
    func wakeAll() -> Int { wake(.everyone) }
}
