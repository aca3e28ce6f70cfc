import Foundation
import LiandongDomain
import LiandongStore

/// SyncLoop runs a child's lanes against its parent, each on its own thread with its own HTTP
/// connection, all through the node's one StoreWriter (Protocol/sync.md, client loop):
/// - the push lane says hello, pushes what the parent lacks, then waits for the writer to say the
///   log moved (a page, the local API, an ingest, or the CLI seen by ForeignWriteWatch), looking
///   again every `pushInterval` in any case;
/// - the pull lane long-polls (wait 20 s), ingests, and wakes the local server's parked pulls;
/// - the blob lane moves the files cases carry, in chunks, every 2 s (Protocol/blobs.md), so that
///   a large upload never delays a change.
/// Failures back off with jitter and are recorded for `status`.
///
/// `@unchecked Sendable`: the only mutable state is `stopping` and the thread count, guarded by `condition`.
public final class SyncLoop: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var directory: String
        public var parentURL: String
        public var caFile: String?
        public var pushInterval: Duration = .milliseconds(250)
        public var pullWait: Int64 = 20
        public var blobInterval: Duration = .seconds(2)
        /// The blob lane's cap for the village's working hours (`blob-bandwidth` in the config file).
        public var blobBandwidth: BandwidthWindow?
        public var now: @Sendable () -> Int64 = NodeStore.systemNow

        public init(directory: String, parentURL: String, caFile: String? = nil) {
            self.directory = directory
            self.parentURL = parentURL
            self.caFile = caFile
        }
    }

    public let configuration: Configuration
    /// The node's one writer; opened by the loop at its start when none was given.
    private var writer: StoreWriter?
    let wake: @Sendable () -> Void
    let log: @Sendable (String) -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var nudged = false
    private var running = 0

    /// `writer` is the node's writer (`serve` passes its own); nil opens one for the loop's lanes.
    /// `wake` is called after a pull stored changes (the writer already tells its own observers).
    public init(
        writer: StoreWriter? = nil, configuration: Configuration, wake: @escaping @Sendable () -> Void = {},
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.writer = writer
        self.wake = wake
        self.log = log
        writer?.onLogMoved { [weak self] in self?.nudge() }
    }

    /// The loop's writer, opened on first use when none was given.
    private func sharedWriter() throws -> StoreWriter {
        try condition.withLock {
            if let writer { return writer }
            let now = configuration.now
            let opened = try StoreWriter.open(directory: configuration.directory, now: { now() })
            opened.onLogMoved { [weak self] in self?.nudge() }
            writer = opened
            return opened
        }
    }

    public func start() {
        condition.withLock { running = 3 }
        Thread.detachNewThread { [self] in lane("push", pushLane) }
        Thread.detachNewThread { [self] in lane("pull", pullLane) }
        Thread.detachNewThread { [self] in lane("blobs", blobLane) }
    }

    /// Asks both lanes to stop and waits up to `timeout` for them (a pull parked at the parent
    /// returns when its wait ends; the lane then stops without ingesting anything further).
    @discardableResult
    public func stop(timeout: Duration = .seconds(3)) -> Bool {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        let limit = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        return condition.withLock {
            while running > 0 {
                if !condition.wait(until: limit) { return false }
            }
            return true
        }
    }

    var isStopping: Bool { condition.withLock { stopping } }

    /// Sleeps up to `seconds`, or until `nudge`; returns false when the loop is stopping.
    func pause(_ seconds: Double) -> Bool {
        let limit = Date().addingTimeInterval(seconds)
        return condition.withLock {
            while !stopping {
                if nudged {
                    nudged = false
                    return true
                }
                if !condition.wait(until: limit) { return true }
            }
            return false
        }
    }

    /// Ends the current pause at once: the writer calls it when the log moved, so a change made in
    /// the workbench, the local API or the CLI is pushed now, not at the next interval (and a lane
    /// backing off after a failure tries again).
    public func nudge() {
        condition.withLock {
            nudged = true
            condition.broadcast()
        }
    }

    private func lane(_ name: String, _ body: (SyncClient, _ succeeded: () -> Void) throws -> Void) {
        defer {
            condition.withLock {
                running -= 1
                condition.broadcast()
            }
        }
        var schedule = RetrySchedule()
        /// Waits as the schedule says after a failure; false when the loop is stopping.
        func retryLater() -> Bool {
            let now = Date().timeIntervalSince1970
            guard case .wait(let until) = schedule.failed(at: now, jitter: Double.random(in: 0...1)) else { return true }
            return pause(until - now)
        }
        while !isStopping {
            do {
                let now = configuration.now
                let writer = try sharedWriter()
                // A parked pull sends nothing until it answers: the low-speed floor must outlast the wait.
                let quiet = name == "pull" ? configuration.pullWait + 15 : 15
                let http = HTTPClient.Configuration(
                    connectTimeout: .seconds(10), timeout: .seconds(configuration.pullWait + 40), lowSpeedTime: .seconds(quiet),
                    caFile: configuration.caFile, pinnedPublicKeys: try writer.with { try $0.acceptedParentPins() })
                let client = try SyncClient(writer: writer, parentURL: configuration.parentURL, configuration: http)
                client.onStored = wake
                (client.channel as? HTTPParentChannel)?.capBlobs(configuration.blobBandwidth, now: now)
                while !isStopping {
                    do {
                        // Every exchange that goes through restarts the back-off and clears a
                        // stale error from `status` (either lane's: the link is working again).
                        try body(client) {
                            _ = schedule.succeeded()
                            try? writer.with { store in
                                if try store.parentLink().lastError != nil { try store.clearParentError() }
                            }
                        }
                    } catch {
                        let message = SyncLoop.describe(error)
                        log("sync \(name) lane: \(message)")
                        try? writer.with { store in
                            try store.recordParentError(SyncLoop.staffMessage(error))
                            if (error as? SyncError)?.code == "revoked_node" { try store.noteRevokedByParent() }
                        }
                        if !retryLater() { return }
                    }
                }
            } catch {
                log("sync \(name) lane cannot open the node: \(error)")
                if !retryLater() { return }
            }
        }
    }

    /// Hello, then push whenever the log has something the parent lacks; returns on error.
    private func pushLane(_ client: SyncClient, _ succeeded: () -> Void) throws {
        let hello = try client.hello()
        let renumberedBefore = try client.writer.with { try $0.renumberedCases().count }
        _ = try client.fetchLost()
        // A case renumbered by the restore rebase is announced where staff look: the log and `status`.
        for renumbering in try client.writer.with({ try $0.renumberedCases() }).dropFirst(renumberedBefore) {
            log("case renumbered after restore: \(renumbering.oldNumber) -> \(renumbering.newNumber)")
        }
        succeeded()
        if let warning = try client.clockWarning() { log("sync: clock: \(warning)") }
        let clocksSent = try client.writer.with(clockMark)
        var lastSeen: Int64 = -1
        while !isStopping {
            // A new epoch (the pull lane records it) is a parent restored from a backup: it lacks what
            // it held. Return to say hello again, so that what it lost is sent from its new heads.
            let step = try client.writer.with { store -> (restamped: [NodeStore.Restamp], mark: Int64)? in
                if try store.parentLink().epoch != hello.epoch { return nil }
                // A node below newly measured, or its clock crossed the warning line: say hello again to report it up.
                if try clockMark(store) != clocksSent { return nil }
                // A clock put right since a change was stamped far ahead: stamp it again before it goes up.
                return (try store.restampFutureChanges(), try store.db.scalarInt("SELECT coalesce(max(lsn), 0) FROM changes") ?? 0)
            }
            guard let (restamped, mark) = step else { return }
            if !restamped.isEmpty { log("sync: \(restamped.count) own change(s) stamped again after the clock was corrected") }
            if mark != lastSeen {
                let pushed = try client.pushAll()
                if pushed.count > 0 { log("sync push: \(pushed.count) change(s) stored by the parent") }
                lastSeen = mark
                succeeded()
            }
            let interval = configuration.pushInterval.components
            if !pause(Double(interval.seconds) + Double(interval.attoseconds) / 1e18) { return }
        }
    }

    /// What of the clocks below is worth a new hello: which nodes are known, and which are off by more than a minute.
    private func clockMark(_ store: NodeStore) throws -> String {
        try store.nodeClocks().map { "\($0.code):\(abs($0.offsetMillis) > ClockSafety.warnMillis)" }.joined(separator: ",")
    }

    /// Hello, then long-poll and ingest until an error.
    private func pullLane(_ client: SyncClient, _ succeeded: () -> Void) throws {
        try client.hello()
        succeeded()
        while !isStopping {
            let page = try client.pullOnce(wait: configuration.pullWait)
            succeeded()
            if page.stored > 0 { log("sync pull: \(page.stored) change(s) received") }
        }
    }

    /// Passes of the blob lane: back to back while files move (each pass moves at most a few chunks
    /// of each file, so that one scan never holds back a photo), every `blobInterval` when a pass
    /// moved nothing; a link error ends the lane's round (back-off). Sleeping after every pass held
    /// a file to 4 chunks per 2 s, 0.5 MB/s per hop even on a LAN (`make bench`).
    private func blobLane(_ client: SyncClient, _ succeeded: () -> Void) throws {
        while !isStopping {
            let pass = try client.blobPass(shouldStop: { isStopping })
            // Only an answer from the parent clears the link's error: an idle pass sent nothing.
            if pass.contacted { succeeded() }
            if !pass.completed.isEmpty { log("sync blobs: \(pass.completed.count) file(s) complete (up \(pass.uploadedBytes) B, down \(pass.downloadedBytes) B)") }
            for failure in pass.failed { log("sync blobs: \(failure.sha256): \(failure.reason)") }
            if pass.uploadedBytes + pass.downloadedBytes > 0 { continue }
            if !sleep(configuration.blobInterval) { return }
        }
    }

    /// Sleeps without taking a nudge meant for the push lane; false when the loop is stopping.
    func sleep(_ duration: Duration) -> Bool {
        let limit = Date().addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        return condition.withLock {
            while !stopping {
                if !condition.wait(until: limit) { return true }
            }
            return false
        }
    }

    /// What staff read in `status` (last error): Chinese, with the machine code in front.
    public static func staffMessage(_ error: Error) -> String {
        switch error {
        case let error as SyncError: return "\(error.code)：\(error.message)"
        case let error as HTTPClientError: return "\(error.kind)：\(error.chineseMessage)"
        default: return "同步出错：\(error)"
        }
    }

    /// One English line for the log.
    public static func describe(_ error: Error) -> String {
        switch error {
        case let error as SyncError: return "\(error.code): \(error.message)"
        case let error as HTTPClientError: return "\(error.kind): \(error.message)"
        default: return "\(error)"
        }
    }
}
