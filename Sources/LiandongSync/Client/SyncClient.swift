import Foundation
import LiandongDomain
import LiandongStore

/// SyncOutcome is what one exchange with the parent moved.
public struct SyncOutcome: Sendable {
    public var parent: String = ""
    public var pushed = 0
    public var pulled = 0
    /// Changes sent up and received down in this exchange, held there before or not: with
    /// `pushed` and `pulled` they show whether anything went twice.
    public var sent = 0
    public var received = 0
    public var fetched = 0
    public var quarantined: [SyncReport] = []
    /// Set when this node took back its own lost changes and re-signed what it made since.
    public var rebase: RebaseOutcome?
    /// Own changes stamped again once a wrong clock was right (ClockSafety).
    public var restamped: [NodeStore.Restamp] = []
    /// This node's clock against its parent's, when it is off by more than a minute (Chinese, for staff).
    public var clockWarning: String?

    public var json: JSONValue {
        ["parent": .string(parent), "pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)),
         "sent": .int(Int64(sent)), "received": .int(Int64(received)), "fetched": .int(Int64(fetched)),
         "quarantined": .array(quarantined.map(\.json)), "rebase": rebase?.json ?? .null,
         "restamped": .array(restamped.map { ["oldSeq": .int($0.oldSeq), "newSeq": .int($0.newSeq), "entity": .string($0.entity), "kind": .string($0.kind)] }),
         "clockWarning": clockWarning.map { .string($0) } ?? .null]
    }
}

/// SyncClient is a child's side of the protocol: the node's StoreWriter, one channel to the parent
/// (HTTP, or any other ParentChannel). What to send and what was acknowledged are ExchangeRules.
/// It takes the writer around store work only, never while it waits on the parent: a pull
/// parked for 20 s leaves the store to the server's handlers and the other lanes.
/// Not Sendable: one per thread (a lane of the sync loop, or `sync --once`).
public final class SyncClient {
    public let writer: StoreWriter
    public let channel: any ParentChannel
    public var sizer = BatchSizer()
    /// The parent's heads as known in this exchange, raised by every push answer.
    public private(set) var parentHeads: Heads = [:]
    public internal(set) var parentCode = ""
    /// Set by a hello that shows the parent holding less of its own chain than this node.
    var returnsParentChain = false
    /// What the last fetch of this node's own lost changes did, when it changed anything (staff are told).
    public private(set) var lastRebase: RebaseOutcome?
    /// Called after an ingest stored something (the writer itself wakes parked pulls and lanes;
    /// this is for a caller that counts arrivals, e.g. the bench).
    public var onStored: () -> Void = {}

    public init(writer: StoreWriter, channel: any ParentChannel) {
        self.writer = writer
        self.channel = channel
    }

    /// A client over HTTP to `parentURL`.
    public convenience init(writer: StoreWriter, parentURL: String, configuration: HTTPClient.Configuration = HTTPClient.Configuration()) throws {
        self.init(writer: writer, channel: try HTTPParentChannel(writer: writer, parentURL: parentURL, configuration: configuration))
    }

    /// A client of a store this caller holds alone (`sync --once`, tests): the store becomes its writer.
    public convenience init(store: NodeStore, channel: any ParentChannel) {
        self.init(writer: StoreWriter(store), channel: channel)
    }

    /// A client over HTTP of a store this caller holds alone.
    public convenience init(store: NodeStore, parentURL: String, configuration: HTTPClient.Configuration = HTTPClient.Configuration()) throws {
        try self.init(writer: StoreWriter(store), parentURL: parentURL, configuration: configuration)
    }

    /// One exchange: hello, fetch own lost changes, push everything the parent lacks, pull until done.
    public func syncOnce() throws -> SyncOutcome {
        var outcome = SyncOutcome()
        let hello = try self.hello()
        outcome.parent = hello.node
        outcome.quarantined = hello.quarantined
        outcome.fetched = try fetchLost()
        outcome.rebase = lastRebase
        outcome.restamped = try writer.with { try $0.restampFutureChanges() }
        outcome.clockWarning = try clockWarning()
        let pushed = try pushAll()
        outcome.pushed = pushed.count
        outcome.sent = pushed.sent
        outcome.quarantined += pushed.reports
        // Until a page comes back empty: that last request also acknowledges what came before it.
        while true {
            let page = try pullOnce(wait: 0)
            outcome.pulled += page.stored
            outcome.received += page.received
            if ExchangeRules.pullFinished(received: page.received, more: page.more) { break }
        }
        return outcome
    }

    // MARK: Steps

    /// Says hello: checks clocks, learns the parent's code, epoch and heads, stores its reports.
    @discardableResult
    public func hello() throws -> HelloResponse {
        let request = try writer.with { store in
            HelloRequest(node: store.identity.code, time: store.now(), heads: Heads(try store.heads()),
                         clocks: try store.nodeClocks().map { ClockReport(node: $0.code, offsetMillis: $0.offsetMillis, at: $0.at) },
                         held: try store.heldQuarantineReport())
        }
        let response: HelloResponse
        do {
            response = try channel.hello(request)
        } catch let error as SyncError where error.code == "clock_skew" || error.code == "stale_request" {
            // Refused for the clock: the refusal names the parent's time, which this node now knows.
            if let time = (error.details["serverTime"] ?? error.details["parentTime"])?.intValue {
                try writer.with { try $0.recordParentClock(parentTime: time) }
            }
            throw error
        }
        let localHeadOfParent = try writer.with { store in
            try store.recordParentClock(parentTime: response.time)
            let known = try store.parentLink()
            try store.recordParentContact(code: response.node, epoch: response.epoch)
            if ExchangeRules.resetsCursor(knownCode: known.code, knownEpoch: known.epoch, cursor: known.cursor, code: response.node, epoch: response.epoch) {
                try store.setParentCursor(0)
            }
            try store.setPeerHeads(response.heads.tuples, peer: response.node)
            // Hello carries the parent's whole current list for this subtree: stale reports go.
            try store.replaceReports(response.quarantined)
            return try store.chainHead(of: response.node).seq
        }
        parentHeads = response.heads
        parentCode = response.node
        // The parent holds less of its own chain than this node does: it was restored from a backup.
        returnsParentChain = ExchangeRules.parentLacksOwnChain(
            parentHeadOfItself: response.heads[response.node]?.seq ?? 0, localHeadOfParent: localHeadOfParent)
        return response
    }

    /// The origins this node sends up: its subtree, and the parent's own chain when the hello showed
    /// the parent lacking part of it (a restored parent gets its changes back). Otherwise the
    /// parent's changes that the pull lane brings down would be sent straight back up.
    func pushes(_ origin: String) -> Bool {
        ExchangeRules.sendsUp(origin: origin, node: writer.code, parent: parentCode, parentLacksOwnChain: returnsParentChain)
    }

    /// The changes the parent lacks by its heads, oldest first, at most one batch, as wire text.
    public func pendingBatch() throws -> [EncodedChange] {
        try Self.pendingBatch(writer: writer, after: parentHeads, size: sizer.size, sendsUp: pushes)
    }

    /// The changes a parent with `heads` lacks, oldest first, at most `size` and BatchSizer.maxBytes.
    static func pendingBatch(writer: StoreWriter, after heads: Heads, size: Int, sendsUp: (String) -> Bool) throws -> [EncodedChange] {
        var pending: [EncodedChange] = []
        try writer.with { store in
            for (origin, after) in ExchangeRules.lacking(local: try store.heads().mapValues(\.seq), parent: heads, sendsUp: sendsUp) {
                pending += try store.encodedChanges(of: origin, after: after, limit: size)
            }
        }
        pending.sort(by: EncodedChange.precedes)
        return Array(pending.prefix(ExchangeRules.batchCount(sizes: pending.map(\.wire.count), limit: size, maxBytes: BatchSizer.maxBytes)))
    }

    /// The next push for a parent with `heads`, made ready to send; nil when it lacks nothing.
    static func preparePush(writer: StoreWriter, after heads: Heads, size: Int, sendsUp: (String) -> Bool) throws -> PreparedPush? {
        let batch = try pendingBatch(writer: writer, after: heads, size: size, sendsUp: sendsUp)
        return batch.isEmpty ? nil : try PreparedPush(batch)
    }

    /// Pushes until the parent holds everything this node sends up; returns the count and the reports.
    /// While the parent ingests one batch, the next is read, encoded and gzip'd on another core, on
    /// the guess that the parent stores the whole batch; an answer that says otherwise (a quarantine,
    /// heads beyond it, a smaller batch size) has the next batch made again from what it said.
    public func pushAll() throws -> (count: Int, reports: [SyncReport], sent: Int) {
        var count = 0
        var sent = 0
        var reports: [SyncReport] = []
        let (writer, node, parent, lacksOwnChain) = (writer, writer.code, parentCode, returnsParentChain)
        let sendsUp: @Sendable (String) -> Bool = { ExchangeRules.sendsUp(origin: $0, node: node, parent: parent, parentLacksOwnChain: lacksOwnChain) }
        var next = try Self.preparePush(writer: writer, after: parentHeads, size: sizer.size, sendsUp: sendsUp)
        while let push = next {
            let guessedHeads = push.headsIfStored(parentHeads)
            var guessedSizer = sizer
            guessedSizer.succeeded()
            let guessedSize = guessedSizer.size
            let ahead = Ahead { try Self.preparePush(writer: writer, after: guessedHeads, size: guessedSize, sendsUp: sendsUp) }
            let response: PushResponse
            do {
                response = try channel.push(push)
                sizer.succeeded()
            } catch {
                sizer.failed()
                ahead.wait()
                throw error
            }
            count += Int(response.stored)
            sent += push.batch.count
            reports += response.quarantined
            // A change the parent quarantined leaves its head behind: count what was sent as
            // answered for this exchange, so that it is not sent again and again.
            parentHeads = ExchangeRules.acknowledged(parentHeads, sent: push.batch.map { ($0.origin, $0.seq, $0.hash) }, answer: response.heads)
            try writer.with { store in
                try store.setPeerHeads(response.heads.tuples, peer: parentCode)
                try store.storeReports(response.quarantined)
                if let own = response.heads[store.identity.code] { _ = try store.noteParentHead((seq: own.seq, hash: own.hash)) }
            }
            let made = try ahead.value()
            next = parentHeads.mapValues(\.seq) == guessedHeads.mapValues(\.seq) && sizer.size == guessedSize
                ? made : try Self.preparePush(writer: writer, after: parentHeads, size: sizer.size, sendsUp: sendsUp)
        }
        return (count, reports, sent)
    }

    /// One pull after the stored cursor; ingests what came, then moves the cursor. The writer is
    /// not held while the parent keeps the request parked.
    public func pullOnce(wait: Int64, limit: Int64 = Int64(SyncProtocol.maxBatch)) throws -> (stored: Int, received: Int, more: Bool) {
        let link = try writer.with { try $0.parentLink() }
        let response = try channel.pull(PullRequest(after: link.cursor, limit: limit, wait: wait))
        // Read and hashed on every core before the writer is taken (ArrivingChange).
        var changes: [ArrivingChange] = []
        for decoded in ArrivingChange.decode(response.changes) {
            do { changes.append(try decoded.get()) } catch {
                throw SyncError("invalid_message", "上级返回的变更无法解析：\(error)")
            }
        }
        let parent = parentCode.isEmpty ? (link.code ?? "") : parentCode
        let stored = try writer.with { store in
            var stored = 0
            if !changes.isEmpty { stored = try store.ingest(changes, from: parent).stored.count }
            switch ExchangeRules.cursorAfterPull(knownEpoch: link.epoch, answerEpoch: response.epoch, next: response.next) {
            case .restart(let epoch):
                // The parent's log was replaced (a restore) since the hello: start over.
                try store.recordParentContact(code: parent, epoch: epoch)
                try store.setParentCursor(0)
            case .advance(let next):
                try store.setParentCursor(next)
            }
            return stored
        }
        if stored > 0 { onStored() }
        return (stored, changes.count, response.more)
    }

    /// The warning for staff when this node's clock is off its parent's by more than a minute.
    public func clockWarning() throws -> String? {
        let (verdict, local, _) = try writer.with { try $0.clockVerdict() }
        guard verdict != .inStep else { return nil }
        return ClockSafety.warning(offsetMillis: verdict.offsetMillis, local: local)
    }

    /// Gets back this node's own changes the parent holds and it does not (a restore from an old
    /// backup), and re-signs after them what this node made since (DESIGN §7). Nothing of this
    /// node's own chain is pushed before that: the parent holds other changes at those seqs.
    public func fetchLost() throws -> Int {
        let code = writer.code
        let head = parentHeads[code].map { (seq: $0.seq, hash: $0.hash) } ?? (seq: 0, hash: Change.zeroHash)
        guard var after = try writer.with({ try $0.noteParentHead(head).fetchAfter }) else { return 0 }
        var adopted = 0
        // A gap or an earlier divergence names the seq to fetch from; a few rounds settle it.
        for _ in 0..<4 {
            var copies: [Change] = []
            while true {
                let from = copies.last?.seq ?? after
                let response = try channel.fetch(FetchRequest(origin: code, after: from, limit: Int64(SyncProtocol.maxBatch)))
                copies += try response.changes.map { try Change(wire: $0) }
                if !response.more || response.changes.isEmpty { break }
            }
            do {
                let outcome = try writer.with { try $0.adoptOwnChanges(copies, from: parentCode) }
                adopted = outcome.adopted.count
                if outcome.changedAnything { lastRebase = outcome }
                break
            } catch let error as StoreError where error.code == "rebase_gap" || error.code == "rebase_diverged_earlier" {
                guard let next = error.details["fetchAfter"].flatMap(Int64.init), next < after else { throw error }
                after = next
            }
        }
        _ = try writer.with { try $0.noteParentHead(head) }
        if adopted > 0 { onStored() }
        return adopted
    }
}
