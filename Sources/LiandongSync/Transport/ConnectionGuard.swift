#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// ConnectionGuard applies a ConnectionTable to the live server: libmicrohttpd's accept-policy
/// and connection callbacks feed it from every pool thread, and a thread of its own cuts the
/// connections whose request is overdue.
///
/// Cutting is `shutdown(2)` on the socket: it is safe from any thread, and libmicrohttpd then
/// sees the peer gone and closes the connection through its normal path. The socket is only
/// touched under `condition`, and a connection leaves the table in the closed notification,
/// which libmicrohttpd sends before it closes the socket, so a reused descriptor is never hit.
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`.
final class ConnectionGuard: @unchecked Sendable {
    private let condition = NSCondition()
    private var table: ConnectionTable
    private var stopping = false
    private var finished = true
    private let log: @Sendable (String) -> Void

    init(limits: ConnectionTable.Limits, log: @escaping @Sendable (String) -> Void = { _ in }) {
        table = ConnectionTable(limits: limits)
        self.log = log
    }

    var limits: ConnectionTable.Limits { table.limits }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func admits(_ address: String) -> Bool { condition.withLock { table.admit(address, at: Self.now()) } }

    func opened(_ connection: OpaquePointer, address: String, socket: Int32) {
        condition.withLock { table.opened(Self.id(connection), address: address, socket: socket, at: Self.now()) }
    }

    func closed(_ connection: OpaquePointer) { condition.withLock { table.closed(Self.id(connection)) } }

    func headersComplete(_ connection: OpaquePointer) {
        condition.withLock { table.headersComplete(Self.id(connection), at: Self.now()) }
    }

    func answering(_ connection: OpaquePointer) { condition.withLock { table.answering(Self.id(connection)) } }

    func requestCompleted(_ connection: OpaquePointer) {
        condition.withLock { table.requestCompleted(Self.id(connection), at: Self.now()) }
    }

    /// Counts the connection as a parked long-poll; false (and nothing changed) when the
    /// long-poll limit is reached, and the poll should be answered at once instead.
    func park(_ connection: OpaquePointer) -> Bool {
        condition.withLock {
            guard table.admitsLongPoll else { return false }
            table.parked(Self.id(connection))
            return true
        }
    }

    /// Open connections from `address` not parked.
    func ordinary(from address: String) -> Int { condition.withLock { table.ordinaryByAddress[address] ?? 0 } }

    /// Open connections not parked, and parked long-polls (for tests and metrics).
    var counts: (ordinary: Int, parked: Int) { condition.withLock { (table.ordinaryCount, table.parkedCount) } }

    /// Cuts overdue connections every `interval` seconds until `stop()`.
    func start(interval: Double = 0.5) {
        condition.withLock { finished = false }
        Thread.detachNewThread { [self] in
            condition.withLock {
                defer {
                    finished = true
                    condition.broadcast()
                }
                while !stopping {
                    _ = condition.wait(until: Date().addingTimeInterval(interval))
                    if stopping { return }
                    for overdue in table.overdue(at: Self.now()) {
                        _ = shutdown(overdue.socket, Int32(SHUT_RDWR))
                        log("cut a slow connection: \(overdue.reason)")
                    }
                }
            }
        }
    }

    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while !finished { _ = condition.wait(until: Date().addingTimeInterval(1)) }
        }
    }

    private static func id(_ connection: OpaquePointer) -> UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection))) }
}

extension HTTPServer {
    /// Raises this process's open-file limit to its hard limit (every connection is a descriptor,
    /// and the default soft limit of 1,024 is below the connection limits); returns the new soft limit.
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// The current soft open-file limit.
    static func openFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
