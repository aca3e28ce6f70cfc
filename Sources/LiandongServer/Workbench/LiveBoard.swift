import Foundation
import LiandongSync

/// LiveBoard holds the open pages' long-polls (`/live`) and answers them all when the log
/// changes, so that a decision arriving from the parent shows within a second or two without a
/// reload. A generation counter closes the race between a poll finding nothing and being parked.
///
/// `@unchecked Sendable`: every field is guarded by `lock`.
final class LiveBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    private var waiting: [LongPoll] = []
    static let changed = HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                                            body: Array("{\"changed\":true}".utf8))
    static let unchanged = HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                                              body: Array("{\"changed\":false}".utf8))

    var current: UInt64 { lock.withLock { generation } }

    func park(_ poll: LongPoll, seen: UInt64) {
        let now: Bool = lock.withLock {
            waiting.removeAll { $0.isResolved }
            if generation != seen { return true }
            waiting.append(poll)
            return false
        }
        if now { poll.resolve(with: LiveBoard.changed) }
    }

    func wake() {
        let polls: [LongPoll] = lock.withLock {
            generation &+= 1
            defer { waiting.removeAll() }
            return waiting
        }
        for poll in polls { poll.resolve(with: LiveBoard.changed) }
    }
}

/// RateLimiter allows `limit` requests per address per minute (the public query).
///
/// `@unchecked Sendable`: guarded by `lock`.
final class RateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var hits: [String: [ContinuousClock.Instant]] = [:]

    func allow(_ address: String, limit: Int) -> Bool {
        lock.withLock {
            let now = ContinuousClock.now
            if hits.count > 10_000 { hits.removeAll() }
            var recent = (hits[address] ?? []).filter { now - $0 < .seconds(60) }
            guard recent.count < limit else {
                hits[address] = recent
                return false
            }
            recent.append(now)
            hits[address] = recent
            return true
        }
    }
}

extension Workbench {
    /// `GET /live?v=N`: answers `{"changed":true,"v":M}` at once when the log generation M differs
    /// from N; otherwise parks until something may have changed (`{"changed":true}`, a hint: the
    /// page asks again) or 20 s pass (`{"changed":false}`).
    func live(_ context: WebContext) -> HTTPServerResult {
        let seen = live.current
        let version = (try? writer.with { try logVersion($0) }) ?? 0
        if String(version) != (context.request.query["v"] ?? "") {
            return .respond(HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                                               body: Array("{\"changed\":true,\"v\":\"\(version)\"}".utf8)))
        }
        let poll = LongPoll(deadline: context.request.receivedAt + .seconds(20), fallback: LiveBoard.unchanged, topic: "live")
        live.park(poll, seen: seen)
        return .suspend(poll)
    }
}
