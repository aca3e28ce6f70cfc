import Foundation
import LiandongDomain
import LiandongStore

/// SyncService answers a parent's side of the sync protocol (Protocol/sync.md): hello, push,
/// pull (long-polled) and fetch, for the node whose store it holds.
///
/// `@unchecked Sendable`: the store is only reached through the StoreWriter; the poll board and the
/// log closure are Sendable.
public final class SyncService: @unchecked Sendable {
    public let writer: StoreWriter
    let verifier: RequestVerifier
    let board = PollBoard()
    /// Where errors worth a look are written (English, one line each).
    public let log: @Sendable (String) -> Void
    /// Largest pull answer in bytes of change text.
    public var maxPullBytes = 4 << 20
    /// Counts of answers by HTTP status, for /metrics.
    public let statusCounts = StatusCounter()
    /// Serializes writes to partial blobs (two children may send the same file); changes never wait on it.
    let blobLock = NSLock()

    public init(writer: StoreWriter, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.writer = writer
        self.verifier = RequestVerifier(serverCode: writer.code)
        self.log = log
        // New routes may be there whoever moved the log: a push ingested here, a page, a lane, the CLI.
        // Only the pulls of the children they are routed to are re-run.
        writer.onLogMoved { [board] (move: LogMove) in board.wake(move) }
    }

    /// The endpoints under /sync/v1/ this service answers.
    public static let endpoints = ["hello", "push", "pull", "fetch"]

    /// Answers `POST /sync/v1/{endpoint}`.
    public func handle(_ request: HTTPServerRequest, endpoint: String) -> HTTPServerResult {
        let key = "\(request.headers["liandong-node"] ?? "")|\(request.headers["liandong-nonce"] ?? "")"
        do {
            guard request.method == "POST" else { throw SyncError.methodNotAllowed(request.method, allowed: "POST") }
            let node: String
            let rerun = endpoint == "pull" && board.isAdmitted(key: key, receivedAt: request.receivedAt)
            if rerun {
                node = request.headers["liandong-node"] ?? ""
            } else {
                node = try writer.with { store in try verifier.verify(request, store: store, now: store.now()) }
            }
            let reader = try MessageReader.parse(request.body)
            switch endpoint {
            case "hello": return .respond(respond(200, try hello(reader, node: node, address: request.remoteAddress)))
            case "push": return .respond(respond(200, try push(reader, node: node)))
            case "pull": return try pull(reader, node: node, request: request, key: key, rerun: rerun)
            case "fetch": return .respond(respond(200, try fetch(reader, node: node)))
            default: throw SyncError.notFound(request.path)
            }
        } catch let error as SyncError {
            board.finish(key: key)
            return .respond(respond(error))
        } catch {
            board.finish(key: key)
            log("sync \(endpoint) from \(request.headers["liandong-node"] ?? "?"): internal error: \(error)")
            return .respond(respond(SyncError("internal", "内部错误，已记录")))
        }
    }

    /// Re-runs every parked pull (the writer does it whenever the log moves).
    @discardableResult
    public func wakePolls() -> Int { board.wakeAll() }

    func respond(_ status: Int, _ json: JSONValue) -> HTTPServerResponse {
        statusCounts.add(status)
        return .json(status, json.canonicalString)
    }

    /// An answer whose canonical JSON text is already made.
    func respond(_ status: Int, _ body: [UInt8]) -> HTTPServerResponse {
        statusCounts.add(status)
        return HTTPServerResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    func respond(_ error: SyncError) -> HTTPServerResponse {
        statusCounts.add(error.status)
        return error.response
    }

    // MARK: Endpoints

    func hello(_ reader: MessageReader, node: String, address: String) throws -> JSONValue {
        let hello = try HelloRequest(reader)
        guard hello.node == node else { throw SyncError.invalid("node", "与签名头 Liandong-Node \(node) 不一致") }
        return try writer.with { store in
            let now = store.now()
            if hello.time - now > SyncProtocol.maxSkewMillis {
                let seconds = (hello.time - now) / 1000
                throw SyncError("clock_skew", "本节点时钟比上级快 \(seconds) 秒（上限 300 秒），请校准时钟后再同步",
                                ["aheadSeconds": .int(seconds), "parentTime": .int(now)])
            }
            // The child's clock as measured here, and those it measured or was told of below it (issue 10: the county sees them all).
            let below = hello.clocks.filter { NodeCode.isBelow($0.node, node) }
            let clocks = [NodeStore.NodeClock(code: node, offsetMillis: hello.time - now, measuredBy: store.identity.code, at: now)]
                + below.map { NodeStore.NodeClock(code: $0.node, offsetMillis: $0.offsetMillis, measuredBy: NodeCode.parent(of: $0.node) ?? node, at: $0.at) }
            // The contact, the clocks, the quarantine held in the child's subtree (the county sees changes stuck anywhere on
            // the path) and what the child holds of this node's own chain (a restored node waits for it, NodeStore+Heal.swift):
            // one commit.
            let own = hello.heads[store.identity.code]
            if try store.recordHello(
                child: node, protocolVersion: SyncProtocol.version, address: address.isEmpty ? nil : address, clocks: clocks,
                held: hello.held, ownHead: own.map { ($0.seq, $0.hash) })
            {
                log("sync hello from \(node): it holds another change at \(store.identity.code)#\(own?.seq ?? 0): fork recorded")
            }
            // A heal that cannot end now (its record refused, e.g. for the clock) must not fail the child's hello.
            let healing: Bool
            do { healing = try store.settleHeal().isWaiting } catch {
                log("restore heal of \(store.identity.code) cannot end yet: \(error)")
                healing = true
            }
            return HelloResponse(node: store.identity.code, time: now, epoch: try store.epoch(), heads: Heads(try store.heads()),
                                 quarantined: try store.quarantineReports(forSubtreeOf: node), healing: healing).json
        }
    }

    func push(_ reader: MessageReader, node: String) throws -> JSONValue {
        let ingest = try PushIngest(try PushRequest(reader).changes)
        let (_, answer) = try writer.with { store in try ingest.apply(to: store, from: node, log: log) }
        return answer.json
    }

    /// `rerun`: the same request again, woken by a move routed to the child. Its first run recorded
    /// the child's cursor; a re-run only reads, on a read-only connection beside the writer, so a
    /// decision's pull does not queue behind a burst of pushes for the writer.
    func pull(_ reader: MessageReader, node: String, request: HTTPServerRequest, key: String, rerun: Bool) throws -> HTTPServerResult {
        let pull = try PullRequest(reader)
        let seen = board.current
        let look = { [maxPullBytes] (store: NodeStore) throws -> (batch: RoutedBatch, epoch: String, after: Int64) in
            var after = pull.after
            // A cursor beyond every position here was given by another copy of this log (a restore):
            // serve from the start; the child's duplicates are harmless.
            if after > (try store.lastRoutePosition()) { after = 0 }
            let batch = try store.changesRouted(to: node, after: after, limit: Int(pull.limit), maxBytes: maxPullBytes)
            return (batch, try store.epoch(), after)
        }
        let (batch, epoch, after) = try rerun ? writer.read(look) : writer.with { store in
            let found = try look(store)
            try store.acknowledge(child: node, position: found.after)
            return found
        }
        if batch.changes.isEmpty, !batch.more, batch.next == after, pull.wait > 0 {
            let empty = PullResponse(changes: [], next: after, more: false, epoch: epoch).json.canonicalString
            let poll = LongPoll(deadline: request.receivedAt + .seconds(pull.wait), fallback: .json(200, empty), topic: "pull")
            board.park(poll, child: node, key: key, receivedAt: request.receivedAt, seen: seen)
            return .suspend(poll)
        }
        board.finish(key: key)
        return .respond(respond(200, PullResponse.body(batch.changes, next: batch.next, more: batch.more, epoch: epoch)))
    }

    func fetch(_ reader: MessageReader, node: String) throws -> JSONValue {
        let fetch = try FetchRequest(reader)
        guard NodeCode.isAncestorOrSelf(node, of: fetch.origin) else {
            throw SyncError("not_a_child", "只能取回本辖区（\(node)）节点的变更，\(fetch.origin) 不在其中", ["field": "origin"])
        }
        let changes = try writer.with { store in try store.changes(of: fetch.origin, after: fetch.after, limit: Int(fetch.limit) + 1) }
        return FetchResponse(changes: changes.prefix(Int(fetch.limit)).map(\.wireJSON), more: changes.count > Int(fetch.limit)).json
    }
}

/// StatusCounter counts HTTP answers by status for /metrics.
///
/// `@unchecked Sendable`: the counts are guarded by `lock`.
public final class StatusCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int: Int64] = [:]

    public init() {}

    public func add(_ status: Int) { lock.withLock { counts[status, default: 0] += 1 } }

    public var snapshot: [Int: Int64] { lock.withLock { counts } }
}
