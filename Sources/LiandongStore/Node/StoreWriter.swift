import Foundation

/// StoreWriter is a process's one connection to its node's database, lent to one thread at a
/// time: a single writer queue, as GRDB's `DatabasePool` has. In `serve`, the HTTP handlers, the
/// workbench, the default ratings and every sync lane (push, pull, blobs) go through the same
/// StoreWriter, so NodeStore's caches belong to the only connection of the process that writes;
/// the only other writers are other processes (the CLI), which SQLite's `data_version` reveals.
///
/// It is also where a moved log is announced, at once, to whoever waits on it (parked pulls, the
/// sync lanes, open workbench pages):
/// - after every `with` in which this connection wrote (its change counter moved, an in-memory
///   read) and the log or its routes moved;
/// - on `noticeForeignWrites()` (ForeignWriteWatch calls it every few hundred ms), when another
///   connection committed (`PRAGMA data_version`, one cheap read) and the log or its routes moved.
/// Observers run after the writer is released, on the thread that wrote or noticed. Each move
/// says which parties its new routes name (LogMove), read under the writer as the move is seen:
/// a county's 600 parked pulls are not all re-run for a push that concerns none of them.
///
/// Never hold it while waiting on the network: a caller takes it around store work only.
///
/// Work that writes nothing (the local API's listings and status, /metrics) may `read` instead,
/// on one of a few read-only connections it opens beside the writer: SQLite's WAL lets them read
/// the last commit while the writer writes. Each keeps its own caches under the same rule
/// (NodeStore, at the caches): to a reader, the writer is another connection.
///
/// `@unchecked Sendable`: the store and the marks are reached only under `lock`, the observers
/// only under `observerLock`.
public final class StoreWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let store: NodeStore
    public let code: String
    public let role: String
    public let directory: String
    /// What the last look found: this connection's change counter, other connections' commit
    /// counter, and the log's place (log generation, last route position).
    private var seenTotalChanges: Int64
    private var seenDataVersion: Int64?
    private var seenLog: LogMark?
    private let observerLock = NSLock()
    private var observers: [@Sendable (LogMove) -> Void] = []
    /// Read-only connections not lent out, how many are open, and how many may be.
    private let readerCondition = NSCondition()
    private var idleReaders: [NodeStore] = []
    private var openReaders = 0
    public static let maxReaders = 2

    struct LogMark: Equatable {
        var generation: Int64?
        var routes: Int64
    }

    public init(_ store: NodeStore) {
        self.store = store
        code = store.identity.code
        role = store.identity.role.rawValue
        directory = store.directory
        seenTotalChanges = store.db.totalChanges
        seenDataVersion = try? store.db.scalarInt("PRAGMA data_version")
        seenLog = try? Self.mark(store)
    }

    /// Opens the node's database: the one writer of this process.
    public static func open(directory: String, now: @escaping @Sendable () -> Int64 = NodeStore.systemNow) throws -> StoreWriter {
        StoreWriter(try NodeStore.open(directory: directory, now: now))
    }

    /// Lends the store to `body` alone; announces a moved log once the store is released.
    public func with<T>(_ body: (NodeStore) throws -> T) rethrows -> T {
        var moved: LogMove?
        defer { if let moved { announce(moved) } }
        return try lock.withLock {
            defer { moved = logMoved(foreign: false) }
            return try body(store)
        }
    }

    /// Lends a read-only connection to `body`, beside the writer; waits while `maxReaders` are lent.
    public func read<T>(_ body: (NodeStore) throws -> T) throws -> T {
        let reader = try borrowReader()
        defer { readerCondition.withLock { idleReaders.append(reader); readerCondition.signal() } }
        return try body(reader)
    }

    private func borrowReader() throws -> NodeStore {
        let idle = readerCondition.withLock { () -> NodeStore? in
            while idleReaders.isEmpty && openReaders >= Self.maxReaders { readerCondition.wait() }
            if let reader = idleReaders.popLast() { return reader }
            openReaders += 1
            return nil
        }
        if let idle { return idle }
        do {
            let now = lock.withLock { store.now }
            return try NodeStore.openReader(directory: directory, now: now)
        } catch {
            readerCondition.withLock { openReaders -= 1; readerCondition.signal() }
            throw error
        }
    }

    /// Announces changes another process committed (the CLI while `serve` runs).
    public func noticeForeignWrites() {
        if let moved = lock.withLock({ logMoved(foreign: true) }) { announce(moved) }
    }

    /// Called, from then on, each time the log moves (see the type's comment).
    public func onLogMoved(_ observer: @escaping @Sendable () -> Void) {
        onLogMoved { (_: LogMove) in observer() }
    }

    /// Called, from then on, each time the log moves, with what the move concerns.
    public func onLogMoved(_ observer: @escaping @Sendable (LogMove) -> Void) {
        observerLock.withLock { observers.append(observer) }
    }

    private func announce(_ move: LogMove) {
        for observer in observerLock.withLock({ observers }) { observer(move) }
    }

    /// How the log moved since the last look, nil if it did not; under `lock`.
    private func logMoved(foreign: Bool) -> LogMove? {
        var look = false
        let total = store.db.totalChanges
        if total != seenTotalChanges {
            seenTotalChanges = total
            look = true
        }
        if foreign, let version = try? store.db.scalarInt("PRAGMA data_version"), version != seenDataVersion {
            seenDataVersion = version
            look = true
        }
        guard look, let mark = try? Self.mark(store), mark != seenLog else { return nil }
        let before = seenLog
        seenLog = mark
        // New routes name their parties; a move without new routes (or too many to read) concerns everyone.
        guard let before, mark.routes > before.routes, mark.routes - before.routes <= LogMove.readablePositions,
            let parties = try? store.partiesRouted(after: before.routes, through: mark.routes)
        else { return .everyone }
        return LogMove(parties: parties)
    }

    private static func mark(_ store: NodeStore) throws -> LogMark {
        LogMark(generation: try store.logGeneration(), routes: try store.lastRoutePosition())
    }
}

/// ForeignWriteWatch asks a StoreWriter every `interval` whether another process committed (the
/// CLI writes while `serve` runs): the cheap poll that stands in for a notification SQLite
/// cannot give across processes.
///
/// `@unchecked Sendable`: `stopping` and `finished` are guarded by `condition`.
public final class ForeignWriteWatch: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var finished = true

    public init() {}

    public func start(writer: StoreWriter, interval: Double = 0.2) {
        condition.withLock { finished = false }
        Thread.detachNewThread { [self] in
            defer { condition.withLock { finished = true; condition.broadcast() } }
            while true {
                let stop = condition.withLock { () -> Bool in
                    if !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
                    return stopping
                }
                if stop { return }
                writer.noticeForeignWrites()
            }
        }
    }

    public func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while !finished { _ = condition.wait(until: Date().addingTimeInterval(1)) }
        }
    }
}
