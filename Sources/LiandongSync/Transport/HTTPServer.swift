import CMicroHTTPD
import Foundation

/// HTTPServer serves HTTP(S) with libmicrohttpd's internal thread pool and supports long-polls.
///
/// `@unchecked Sendable` is sound because: the daemon pointer is only read or cleared under
/// `stateLock`; `stop()` runs once under that lock; the handler and configuration are
/// immutable; the parking lot and long-polls guard their state with their own locks; and the
/// libmicrohttpd calls made from other threads (`MHD_resume_connection`, `MHD_quiesce_daemon`,
/// `MHD_stop_daemon`) are documented as callable from any thread.
public final class HTTPServer: @unchecked Sendable {
    /// Answers one complete request; a thrown error becomes a 500 and the server keeps serving.
    public typealias Handler = @Sendable (HTTPServerRequest) throws -> HTTPServerResult

    public let configuration: Configuration
    /// The port actually bound (the kernel's choice when the configuration asked for 0).
    public let port: Int
    private let core: ServerCore
    private let coreContext: UnsafeMutableRawPointer
    private let stateLock = NSLock()
    private var daemon: OpaquePointer?
    /// PEM copies handed to libmicrohttpd, freed only after the daemon has stopped.
    private let pemCopies: [UnsafeMutablePointer<CChar>]

    /// Binds and starts serving at once; throws if the address, port or TLS setup is refused.
    public init(configuration: Configuration, handler: @escaping Handler) throws(HTTPServerError) {
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        flags |= MHD_is_feature_supported(.FEATURE_EPOLL) == .YES ? MHD_USE_EPOLL.rawValue : MHD_USE_POLL.rawValue
        if configuration.logErrors { flags |= MHD_USE_ERROR_LOG.rawValue }
        var pems: [UnsafeMutablePointer<CChar>] = []
        if let tls = configuration.tls {
            guard MHD_is_feature_supported(.FEATURE_TLS) == .YES else {
                throw HTTPServerError(kind: .tlsUnavailable, message: "libmicrohttpd was built without TLS")
            }
            flags |= MHD_USE_TLS.rawValue
            pems = [strdup(tls.privateKeyPEM), strdup(tls.certificatePEM)].compactMap { $0 }
        }
        let lot = ParkingLot()
        // Every connection is a descriptor; keep 128 for SQLite, curl and the listening sockets.
        let limits = configuration.limits.fitting(descriptors: Self.openFileLimit() - 128)
        let connections = ConnectionGuard(limits: limits, log: configuration.log)
        let core = ServerCore(configuration: configuration, handler: handler, lot: lot, connections: connections)
        // Retained for as long as the daemon may call back; released after MHD_stop_daemon.
        let context = Unmanaged.passRetained(core).toOpaque()
        guard let started = Self.startDaemon(configuration, limits, address, flags, context, pems) else {
            pems.forEach { free($0) }
            Unmanaged<ServerCore>.fromOpaque(context).release()
            throw HTTPServerError(
                kind: .startFailed,
                message: "MHD_start_daemon failed for \(configuration.host):\(configuration.port) (port in use, or bad TLS PEM?)")
        }
        self.configuration = configuration
        self.core = core
        coreContext = context
        pemCopies = pems
        daemon = started
        port = Int(liandong_mhd_bind_port(started))
        Thread.detachNewThread { lot.sweepDeadlines() }
        connections.start()
    }

    /// The limits in force (the configured ones, scaled to the open-file limit).
    public var limits: ConnectionTable.Limits { core.connections.limits }

    /// Open connections from `address` not parked.
    public func connectionCount(from address: String) -> Int { core.connections.ordinary(from: address) }

    /// Open connections not parked, and parked long-polls.
    public var connectionCounts: (ordinary: Int, parked: Int) { core.connections.counts }

    deinit {
        stop()
    }

    /// Re-runs the handler for every request parked on `topic`; returns how many were woken.
    ///
    /// The handler sees the same request again (after `MHD_resume_connection` libmicrohttpd
    /// calls the access handler anew) and may answer or park it again.
    @discardableResult
    public func wake(topic: String) -> Int {
        core.lot.polls(topic: topic).filter { $0.settle(.rerun) }.count
    }

    /// Stops gracefully: no new connections, parked long-polls get their fallback, in-flight
    /// requests get up to `drainTimeout` to finish, then the daemon stops. Idempotent.
    /// A handler still running after the drain holds `MHD_stop_daemon` until it returns.
    public func stop() {
        stateLock.withLock {
            guard let daemon else { return }
            self.daemon = nil
            // Quiesce first so that no new connection arrives while draining; the returned
            // listening socket must stay open until MHD_stop_daemon has returned.
            let listener = MHD_quiesce_daemon(daemon)
            for poll in core.lot.beginStop() { poll.settle(.respond(poll.fallback)) }
            // MHD_stop_daemon aborts while a connection is suspended (STYLE.md pitfalls), so
            // every resume must have happened before it.
            core.lot.waitUntilNothingSuspended()
            _ = core.lot.waitUntilIdle(timeout: configuration.drainTimeout)
            MHD_stop_daemon(daemon)
            core.connections.stop()
            if listener >= 0 { close(listener) }
            core.lot.stopSweeping()
            pemCopies.forEach { free($0) }
            Unmanaged<ServerCore>.fromOpaque(coreContext).release()
        }
    }

    private static func startDaemon(
        _ configuration: Configuration, _ limits: ConnectionTable.Limits, _ address: SocketAddress, _ flags: UInt32,
        _ context: UnsafeMutableRawPointer, _ pems: [UnsafeMutablePointer<CChar>]
    ) -> OpaquePointer? {
        address.withPointer { address, isIPv6 in
            let options = Self.options(configuration, limits, address: address, pems: pems)
            return options.withUnsafeBufferPointer { items in
                liandong_mhd_start_daemon(
                    flags | (isIPv6 ? MHD_USE_IPv6.rawValue : 0), 0,
                    { cls, address, _ in
                        guard let cls else { return .NO }
                        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
                        return core.connections.admits(SocketAddress.describe(address)) ? .YES : .NO
                    },
                    context,
                    { cls, connection, url, method, _, data, size, state in
                        guard let cls else { return .NO }
                        return Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
                            .access(connection, url, method, data, size, state)
                    },
                    context,
                    { cls, connection, state, _ in
                        guard let cls else { return }
                        Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().completed(connection, state)
                    },
                    context,
                    { cls, connection, _, code in
                        guard let cls, let connection else { return }
                        Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().notify(connection, code)
                    },
                    context,
                    UnsafeMutablePointer(mutating: items.baseAddress))
            }
        }
    }

    private static func options(
        _ configuration: Configuration, _ limits: ConnectionTable.Limits, address: UnsafePointer<sockaddr>,
        pems: [UnsafeMutablePointer<CChar>]
    ) -> [MHD_OptionItem] {
        var items = [
            MHD_OptionItem(option: .THREAD_POOL_SIZE, value: max(1, configuration.threadPoolSize), ptr_value: nil),
            MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: max(1, configuration.connectionTimeoutSeconds), ptr_value: nil),
            MHD_OptionItem(option: .CONNECTION_MEMORY_LIMIT, value: configuration.connectionMemoryLimit, ptr_value: nil),
            // The ConnectionGuard admits connections; this is only libmicrohttpd's own ceiling.
            MHD_OptionItem(option: .CONNECTION_LIMIT, value: limits.ordinary + limits.longPolls + 16, ptr_value: nil),
            MHD_OptionItem(option: .LISTEN_BACKLOG_SIZE, value: 1024, ptr_value: nil),
            MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(mutating: address)),
        ]
        if pems.count == 2 {
            items.append(MHD_OptionItem(option: .HTTPS_MEM_KEY, value: 0, ptr_value: UnsafeMutableRawPointer(pems[0])))
            items.append(MHD_OptionItem(option: .HTTPS_MEM_CERT, value: 0, ptr_value: UnsafeMutableRawPointer(pems[1])))
        }
        items.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
        return items
    }
}
