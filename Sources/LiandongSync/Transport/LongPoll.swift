import CMicroHTTPD
import Foundation

/// LongPoll is a parked request's ticket: resolve it from any thread to answer the request.
///
/// A handler returns `.suspend(poll)`; the server suspends the connection (no thread is held)
/// until one of these happens first: some thread calls `resolve(with:)`, the server's
/// `wake(topic:)` re-runs the handler, the deadline passes (the fallback is sent), or the
/// server stops (the fallback is sent). The first of them wins; later ones are ignored.
///
/// `@unchecked Sendable`: every mutable field is guarded by `lock`.
public final class LongPoll: @unchecked Sendable {
    public let deadline: ContinuousClock.Instant
    public let fallback: HTTPServerResponse
    /// Groups long-polls that `HTTPServer.wake(topic:)` re-runs together (e.g. "pull").
    public let topic: String?

    /// What the parked request gets when it comes back.
    enum Outcome {
        case respond(HTTPServerResponse)
        /// Call the handler again with the same request.
        case rerun
    }

    private enum State {
        case waiting
        case parked(connection: OpaquePointer, lot: ParkingLot)
        case resolved(Outcome)
    }

    private let lock = NSLock()
    private var state = State.waiting

    public init(deadline: ContinuousClock.Instant, fallback: HTTPServerResponse, topic: String? = nil) {
        self.deadline = deadline
        self.fallback = fallback
        self.topic = topic
    }

    public convenience init(timeout: Duration, fallback: HTTPServerResponse, topic: String? = nil) {
        self.init(deadline: .now + timeout, fallback: fallback, topic: topic)
    }

    /// Answers the parked request with `response`; false if it was already answered.
    @discardableResult
    public func resolve(with response: HTTPServerResponse) -> Bool {
        settle(.respond(response))
    }

    /// True once an outcome has been decided (it may not have been sent yet).
    public var isResolved: Bool {
        lock.withLock {
            if case .resolved = state { return true }
            return false
        }
    }

    /// The decided outcome, read by the access handler after the connection resumes.
    var outcome: Outcome? {
        lock.withLock {
            if case .resolved(let outcome) = state { return outcome }
            return nil
        }
    }

    /// Decides the outcome once and, if the connection is suspended, resumes it.
    @discardableResult
    func settle(_ outcome: Outcome) -> Bool {
        let (decided, parked): (Bool, (OpaquePointer, ParkingLot)?) = lock.withLock {
            switch state {
            case .resolved:
                return (false, nil)
            case .waiting:
                state = .resolved(outcome)
                return (true, nil)
            case .parked(let connection, let lot):
                state = .resolved(outcome)
                lot.leave(self)
                return (true, (connection, lot))
            }
        }
        if let (connection, lot) = parked {
            // Outside the lock: MHD takes its own mutex here. The suspended connection cannot
            // be freed before this call: nothing else resumes it, and stop() waits for us.
            MHD_resume_connection(connection)
            lot.resumed()
        }
        return decided
    }

    /// Called by the access handler right after `MHD_suspend_connection`. Returns true when
    /// the connection must be resumed at once: the outcome was decided before the connection
    /// was parked, or the server is stopping (then the fallback is the outcome).
    func attach(connection: OpaquePointer, lot: ParkingLot) -> Bool {
        lock.withLock {
            guard case .waiting = state else { return true }
            guard lot.enter(self) else {
                state = .resolved(.respond(fallback))
                return true
            }
            state = .parked(connection: connection, lot: lot)
            return false
        }
    }
}
