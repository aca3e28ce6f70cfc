import Foundation
import LiandongDomain
import LiandongStore

/// SyncOutcome is what one exchange with the parent moved.
public struct SyncOutcome: Sendable {
    public var parent: String = ""
    public var pushed = 0
    public var pulled = 0
    public var fetched = 0
    public var quarantined: [SyncReport] = []
    /// Set when this node took back its own lost changes and re-signed what it made since.
    public var rebase: RebaseOutcome?
    /// Own changes stamped again once a wrong clock was right (ClockSafety).
    public var restamped: [NodeStore.Restamp] = []
    /// This node's clock against its parent's, when it is off by more than a minute (Chinese, for staff).
    public var clockWarning: String?

    public var json: JSONValue {
        ["parent": .string(parent), "pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)), "fetched": .int(Int64(fetched)),
         "quarantined": .array(quarantined.map(\.json)), "rebase": rebase?.json ?? .null,
         "restamped": .array(restamped.map { ["oldSeq": .int($0.oldSeq), "newSeq": .int($0.newSeq), "entity": .string($0.entity), "kind": .string($0.kind)] }),
         "clockWarning": clockWarning.map { .string($0) } ?? .null]
    }
}

/// SyncClient is a child's side of the protocol: one NodeStore, one HTTP connection to the parent.
/// Not Sendable: one per thread (a lane of the sync loop, or `sync --once`).
public final class SyncClient {
    public let store: NodeStore
    public let parentURL: String
    let http: HTTPClient
    public var sizer = BatchSizer()
    /// The parent's heads as known in this exchange, raised by every push answer.
    public private(set) var parentHeads: Heads = [:]
    public internal(set) var parentCode = ""
    /// Set by a hello that shows the parent holding less of its own chain than this node.
    var returnsParentChain = false
    /// What the last fetch of this node's own lost changes did, when it changed anything (staff are told).
    public private(set) var lastRebase: RebaseOutcome?
    /// Called after an ingest stored something (wakes the local server's parked pulls).
    public var onStored: () -> Void = {}

    public init(store: NodeStore, parentURL: String, configuration: HTTPClient.Configuration = HTTPClient.Configuration()) throws {
        self.store = store
        var base = parentURL
        while base.hasSuffix("/") { base.removeLast() }
        self.parentURL = base
        self.http = try HTTPClient(configuration: configuration)
    }

    /// One exchange: hello, fetch own lost changes, push everything the parent lacks, pull until done.
    public func syncOnce() throws -> SyncOutcome {
        var outcome = SyncOutcome()
        let hello = try self.hello()
        outcome.parent = hello.node
        outcome.quarantined = hello.quarantined
        outcome.fetched = try fetchLost()
        outcome.rebase = lastRebase
        outcome.restamped = try store.restampFutureChanges()
        outcome.clockWarning = try clockWarning()
        let pushed = try pushAll()
        outcome.pushed = pushed.count
        outcome.quarantined += pushed.reports
        // Until a page comes back empty: that last request also acknowledges what came before it.
        while true {
            let page = try pullOnce(wait: 0)
            outcome.pulled += page.stored
            if page.received == 0, !page.more { break }
        }
        return outcome
    }

    // MARK: Steps

    /// Says hello: checks clocks, learns the parent's code, epoch and heads, stores its reports.
    @discardableResult
    public func hello() throws -> HelloResponse {
        let clocks = try store.nodeClocks().map { ClockReport(node: $0.code, offsetMillis: $0.offsetMillis, at: $0.at) }
        let request = HelloRequest(node: store.identity.code, time: store.now(), heads: Heads(try store.heads()), clocks: clocks,
                                   held: try store.heldQuarantineReport())
        let response: HelloResponse
        do {
            response = try HelloResponse(try call("hello", request.json))
        } catch let error as SyncError where error.code == "clock_skew" || error.code == "stale_request" {
            // Refused for the clock: the refusal names the parent's time, which this node now knows.
            if let time = (error.details["serverTime"] ?? error.details["parentTime"])?.intValue { try store.recordParentClock(parentTime: time) }
            throw error
        }
        try store.recordParentClock(parentTime: response.time)
        let link = try store.parentLink()
        try store.recordParentContact(code: response.node, epoch: response.epoch)
        if link.code != response.node || link.epoch != response.epoch, link.cursor != 0 {
            try store.setParentCursor(0)
        }
        try store.setPeerHeads(response.heads.tuples, peer: response.node)
        // Hello carries the parent's whole current list for this subtree: stale reports go.
        try store.replaceReports(response.quarantined)
        parentHeads = response.heads
        parentCode = response.node
        // The parent holds less of its own chain than this node does: it was restored from a backup.
        returnsParentChain = (response.heads[response.node]?.seq ?? 0) < (try store.chainHead(of: response.node).seq)
        return response
    }

    /// The origins this node sends up: its subtree, and the parent's own chain when the hello showed
    /// the parent lacking part of it (a restored parent gets its changes back). Otherwise the
    /// parent's changes that the pull lane brings down would be sent straight back up.
    func pushes(_ origin: String) -> Bool {
        NodeCode.isAncestorOrSelf(store.identity.code, of: origin) || (origin == parentCode && returnsParentChain)
    }

    /// The changes the parent lacks by its heads, oldest first, at most one batch, as wire text.
    public func pendingBatch() throws -> [EncodedChange] {
        var pending: [EncodedChange] = []
        for (origin, head) in try store.heads() where pushes(origin) {
            let held = parentHeads[origin]?.seq ?? 0
            guard head.seq > held else { continue }
            pending += try store.encodedChanges(of: origin, after: held, limit: sizer.size)
        }
        pending.sort(by: EncodedChange.precedes)
        var batch: [EncodedChange] = []
        var bytes = 0
        for change in pending.prefix(sizer.size) {
            if !batch.isEmpty, bytes + change.wire.count > BatchSizer.maxBytes { break }
            bytes += change.wire.count
            batch.append(change)
        }
        return batch
    }

    /// Pushes until the parent holds everything this node sends up; returns the count and the reports.
    public func pushAll() throws -> (count: Int, reports: [SyncReport]) {
        var count = 0
        var reports: [SyncReport] = []
        while true {
            let batch = try pendingBatch()
            guard !batch.isEmpty else { break }
            let response: PushResponse
            do {
                response = try PushResponse(try call("push", body: PushRequest.body(batch)))
                sizer.succeeded()
            } catch {
                sizer.failed()
                throw error
            }
            count += Int(response.stored)
            reports += response.quarantined
            // A change the parent quarantined leaves its head behind: count what was sent as
            // answered for this exchange, so that it is not sent again and again.
            for change in batch where (parentHeads[change.origin]?.seq ?? 0) < change.seq {
                parentHeads[change.origin] = Head(seq: change.seq, hash: change.hash)
            }
            for (origin, head) in response.heads where head.seq >= (parentHeads[origin]?.seq ?? 0) {
                parentHeads[origin] = head
            }
            try store.setPeerHeads(response.heads.tuples, peer: parentCode)
            try store.storeReports(response.quarantined)
            if let own = response.heads[store.identity.code] { _ = try store.noteParentHead((seq: own.seq, hash: own.hash)) }
        }
        return (count, reports)
    }

    /// One pull after the stored cursor; ingests what came, then moves the cursor.
    public func pullOnce(wait: Int64, limit: Int64 = Int64(SyncProtocol.maxBatch)) throws -> (stored: Int, received: Int, more: Bool) {
        let link = try store.parentLink()
        let response = try PullResponse(try call("pull", PullRequest(after: link.cursor, limit: limit, wait: wait).json))
        var changes: [Change] = []
        for item in response.changes {
            do { changes.append(try Change(wire: item)) } catch {
                throw SyncError("invalid_message", "上级返回的变更无法解析：\(error)")
            }
        }
        var stored = 0
        if !changes.isEmpty {
            let outcome = try store.ingest(changes, from: parentCode.isEmpty ? (link.code ?? "") : parentCode)
            stored = outcome.stored.count
        }
        if link.epoch != nil, response.epoch != link.epoch {
            // The parent's log was replaced (a restore) since the hello: start over.
            try store.recordParentContact(code: parentCode.isEmpty ? (link.code ?? "") : parentCode, epoch: response.epoch)
            try store.setParentCursor(0)
        } else {
            try store.setParentCursor(response.next)
        }
        if stored > 0 { onStored() }
        return (stored, changes.count, response.more)
    }

    /// The warning for staff when this node's clock is off its parent's by more than a minute.
    public func clockWarning() throws -> String? {
        let (verdict, local, _) = try store.clockVerdict()
        guard verdict != .inStep else { return nil }
        return ClockSafety.warning(offsetMillis: verdict.offsetMillis, local: local)
    }

    /// Gets back this node's own changes the parent holds and it does not (a restore from an old
    /// backup), and re-signs after them what this node made since (DESIGN §7). Nothing of this
    /// node's own chain is pushed before that: the parent holds other changes at those seqs.
    public func fetchLost() throws -> Int {
        let code = store.identity.code
        let head = parentHeads[code].map { (seq: $0.seq, hash: $0.hash) } ?? (seq: 0, hash: Change.zeroHash)
        guard var after = try store.noteParentHead(head).fetchAfter else { return 0 }
        var adopted = 0
        // A gap or an earlier divergence names the seq to fetch from; a few rounds settle it.
        for _ in 0..<4 {
            var copies: [Change] = []
            while true {
                let from = copies.last?.seq ?? after
                let response = try FetchResponse(try call("fetch", FetchRequest(origin: code, after: from, limit: Int64(SyncProtocol.maxBatch)).json))
                copies += try response.changes.map { try Change(wire: $0) }
                if !response.more || response.changes.isEmpty { break }
            }
            do {
                let outcome = try store.adoptOwnChanges(copies, from: parentCode)
                adopted = outcome.adopted.count
                if outcome.changedAnything { lastRebase = outcome }
                break
            } catch let error as StoreError where error.code == "rebase_gap" || error.code == "rebase_diverged_earlier" {
                guard let next = error.details["fetchAfter"].flatMap(Int64.init), next < after else { throw error }
                after = next
            }
        }
        _ = try store.noteParentHead(head)
        if adopted > 0 { onStored() }
        return adopted
    }

    // MARK: Transport

    /// Sends one signed request and returns the answer's reader, or throws the parent's refusal
    /// as a SyncError (code and message as sent) or the transport's HTTPClientError.
    func call(_ endpoint: String, _ body: JSONValue) throws -> MessageReader {
        try call(endpoint, body: body.canonicalBytes)
    }

    /// One signed request of any method to a path on the parent (the blob lane); a refusal is thrown as its SyncError.
    func signed(_ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil) throws -> HTTPResponse {
        let headers = try RequestSignature.headers(for: store, method: method, path: path, body: body, time: store.now())
        let response = try http.perform(HTTPRequest(
            method: method, url: parentURL + path, headers: (contentType.map { [("Content-Type", $0)] } ?? []) + headers, body: body))
        guard response.status == 200 else { throw refusal(response) }
        return response
    }

    /// The parent's refusal as a SyncError: code, message and detail fields as sent.
    func refusal(_ response: HTTPResponse) -> SyncError {
        if let fields = (try? JSONParser.parse(response.body))?.objectValue, let code = fields["error"]?.stringValue {
            var details = fields
            details["error"] = nil
            details["message"] = nil
            return SyncError(code, fields["message"]?.stringValue ?? "上级拒绝了请求（HTTP \(response.status)）", details.merging(["status": .int(Int64(response.status))]) { a, _ in a })
        }
        return SyncError("internal", "上级返回 HTTP \(response.status)", ["status": .int(Int64(response.status))])
    }

    func call(_ endpoint: String, body bytes: [UInt8]) throws -> MessageReader {
        let path = "/sync/v1/" + endpoint
        let headers = try RequestSignature.headers(for: store, method: "POST", path: path, body: bytes, time: store.now())
        let response = try http.perform(HTTPRequest(
            method: "POST", url: parentURL + path, headers: [("Content-Type", "application/json")] + headers, body: bytes,
            gzipBody: bytes.count > 1024))
        guard response.status == 200 else { throw refusal(response) }
        return try MessageReader.parse(response.body, checkProtocol: false)
    }
}
