import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// NodeServer is one running node: its one StoreWriter, which every part below writes through;
/// its HTTP server (children, local API, public query, metrics, workbench); the watch that notices
/// commits by another process (the CLI); and, when the node has a parent, the sync loop. The
/// writer wakes parked pulls, open pages and the sync lanes whenever the log moves. Built from a
/// configuration value (tests bind port 0); starts in that order and stops in reverse.
public final class NodeServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var directory: String
        public var host: String
        public var port: Int
        public var tls: HTTPServer.TLSIdentity?
        /// CA file trusted when calling the parent over https.
        public var caFile: String?
        /// The parent to sync with; nil runs no sync loop.
        public var parentURL: String?
        /// Endpoints added under /sync/v1/ that carry no node signature, made once the service
        /// exists. ENROLL plugs `enroll` in here: `["enroll": handler]`.
        public var syncHandlers: @Sendable (SyncService) -> [String: HTTPServer.Handler]
        public var apiFromAnywhere = false
        public var pullWait: Int64 = 20
        /// The push lane's look at the log when nothing woke it (the writer and the watch wake it at once).
        public var pushInterval: Duration = .milliseconds(250)
        /// The blob lane's daytime cap (`blob-bandwidth`); nil is none.
        public var blobBandwidth: BandwidthWindow?
        /// Seconds between looks for commits by another process (`PRAGMA data_version`).
        public var watchInterval: Double = 0.2
        /// Seconds between passes that apply the county's default ratings (0: never).
        public var defaultRatingInterval: Double = 60
        public var threadPoolSize = 8
        /// The staff web UI's settings; nil serves no workbench (sync-only tests).
        public var workbench: Workbench.Configuration?
        /// Connections per address and in total, long-polls apart, and request deadlines.
        public var connectionLimits = ConnectionTable.Limits()
        public var now: @Sendable () -> Int64 = NodeStore.systemNow
        public var log: @Sendable (String) -> Void = { _ in }

        public init(
            directory: String, host: String = "127.0.0.1", port: Int = 0, tls: HTTPServer.TLSIdentity? = nil, caFile: String? = nil,
            parentURL: String? = nil, syncHandlers: @escaping @Sendable (SyncService) -> [String: HTTPServer.Handler] = NodeServer.enrollmentHandlers
        ) {
            self.directory = directory
            self.host = host
            self.port = port
            self.tls = tls
            self.caFile = caFile
            self.parentURL = parentURL
            self.syncHandlers = syncHandlers
            self.workbench = Workbench.Configuration(secure: tls != nil)
        }
    }

    public let configuration: Configuration
    public let service: SyncService
    public let http: HTTPServer
    /// The process's one connection to the node's database (see StoreWriter).
    public let writer: StoreWriter
    public let watcher = ForeignWriteWatch()
    private let defaultRatings = DefaultRatings()
    public let loop: SyncLoop?
    public let workbench: Workbench?
    private let stopLock = NSLock()
    private var stopped = false

    public var port: Int { http.port }
    public var url: String { "\(configuration.tls == nil ? "http" : "https")://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(http.port)" }

    /// `writer` is the node's writer when the caller opened it already (`serve` reads the identity
    /// from it first); nil opens it here.
    public init(configuration: Configuration, writer: StoreWriter? = nil) throws {
        self.configuration = configuration
        let now = configuration.now
        let writer = try writer ?? StoreWriter.open(directory: configuration.directory, now: { now() })
        self.writer = writer
        let service = SyncService(writer: writer, log: configuration.log)
        self.service = service
        var router = Router(service: service, syncHandlers: configuration.syncHandlers(service), apiFromAnywhere: configuration.apiFromAnywhere)
        let workbench = configuration.workbench.map { Workbench(service: service, configuration: $0) }
        router.workbench = workbench
        self.workbench = workbench
        var http = HTTPServer.Configuration(
            host: configuration.host, port: configuration.port, threadPoolSize: configuration.threadPoolSize,
            limits: configuration.connectionLimits,
            maxBodyBytes: SyncProtocol.maxBodyBytes, maxDecompressedBodyBytes: SyncProtocol.maxBodyBytes, tls: configuration.tls)
        http.log = configuration.log
        let frozen = router
        self.http = try HTTPServer(configuration: http) { request in frozen.handle(request) }
        watcher.start(writer: writer, interval: configuration.watchInterval)
        defaultRatings.start(writer: writer, interval: configuration.defaultRatingInterval, log: configuration.log)
        if let parentURL = configuration.parentURL {
            var sync = SyncLoop.Configuration(directory: configuration.directory, parentURL: parentURL, caFile: configuration.caFile)
            sync.pullWait = configuration.pullWait
            sync.pushInterval = configuration.pushInterval
            sync.blobBandwidth = configuration.blobBandwidth
            sync.now = configuration.now
            let loop = SyncLoop(writer: writer, configuration: sync, log: configuration.log)
            self.loop = loop
            loop.start()
        } else {
            loop = nil
        }
    }

    deinit { stop() }

    /// Stops in reverse order: the sync loop, the watcher, then the HTTP server (parked pulls get
    /// their empty answer, in-flight requests finish). Idempotent.
    public func stop() {
        let first = stopLock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        loop?.stop(timeout: .seconds(1))
        defaultRatings.stop()
        watcher.stop()
        http.stop()
        loop?.stop(timeout: .seconds(5))
    }
}

extension NodeServer {
    /// The unsigned sync endpoints every node serves: enrollment, authenticated by its one-time token.
    public static let enrollmentHandlers: @Sendable (SyncService) -> [String: HTTPServer.Handler] = { service in
        ["enroll": { request in .respond(service.writer.with { Enrollment.respond(to: request, store: $0) }) }]
    }
}
