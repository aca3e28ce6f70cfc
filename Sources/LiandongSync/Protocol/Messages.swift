import LiandongDomain
import LiandongStore

/// Head is the last seq and hash of one origin's chain as a node holds it.
public struct Head: Sendable, Equatable {
    public var seq: Int64
    public var hash: [UInt8]

    public init(seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }
}

public typealias Heads = [String: Head]

extension Dictionary where Key == String, Value == Head {
    public var json: JSONValue {
        .object(mapValues { ["seq": .int($0.seq), "hash": .string(Hex.encode($0.hash))] })
    }

    public init(_ store: [String: (seq: Int64, hash: [UInt8])]) {
        self = store.mapValues { Head(seq: $0.seq, hash: $0.hash) }
    }

    public var tuples: [String: (seq: Int64, hash: [UInt8])] { mapValues { ($0.seq, $0.hash) } }
}

/// ClockReport is one node's clock offset from its parent's, as that parent measured it at a hello
/// (positive: the node is ahead), sent up so that the county sees every clock problem below it.
public struct ClockReport: Sendable, Equatable {
    public var node: String
    public var offsetMillis: Int64
    public var at: Int64

    public init(node: String, offsetMillis: Int64, at: Int64) {
        self.node = node
        self.offsetMillis = offsetMillis
        self.at = at
    }

    public var json: JSONValue { ["node": .string(node), "offset": .int(offsetMillis), "at": .int(at)] }
}

/// HelloRequest opens an exchange: who the child is, its clock, what it holds (its heads: the
/// parent's own chain among them, which a restored parent waits for), the clocks of its subtree and
/// the quarantine held in it.
public struct HelloRequest: Sendable {
    public var node: String
    public var time: Int64
    public var heads: Heads
    public var clocks: [ClockReport]
    public var held: [HeldQuarantine]

    public init(node: String, time: Int64, heads: Heads, clocks: [ClockReport] = [], held: [HeldQuarantine] = []) {
        self.node = node
        self.time = time
        self.heads = heads
        self.clocks = clocks
        self.held = held
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["protocol": .int(SyncProtocol.version), "node": .string(node), "time": .int(time), "heads": heads.json]
        if !clocks.isEmpty { fields["clocks"] = .array(clocks.map(\.json)) }
        if !held.isEmpty { fields["held"] = .array(held.map(\.json)) }
        return .object(fields)
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        node = try reader.nodeCode("node")
        time = try reader.int("time", in: 0...JSONParser.maxSafeInteger)
        heads = try reader.heads("heads")
        clocks = []
        held = try HeldQuarantine.list(reader)
        guard reader.fields["clocks"] != nil else { return }
        for (index, item) in try reader.array("clocks").enumerated() {
            guard let fields = item.objectValue else { throw SyncError.invalid("clocks[\(index)]", "应为对象") }
            let entry = MessageReader(fields: fields, prefix: "clocks[\(index)]")
            clocks.append(ClockReport(node: try entry.nodeCode("node"), offsetMillis: try entry.int("offset"), at: try entry.int("at", in: 0...JSONParser.maxSafeInteger)))
        }
    }
}

/// HelloResponse is the parent's side: its code, clock, epoch, heads and the reports for the child's subtree.
public struct HelloResponse: Sendable {
    public var node: String
    public var time: Int64
    public var epoch: String
    public var heads: Heads
    public var quarantined: [SyncReport]
    /// Set while the parent, restored from a backup, waits for its children to return its changes.
    public var healing: Bool

    public init(node: String, time: Int64, epoch: String, heads: Heads, quarantined: [SyncReport], healing: Bool = false) {
        self.node = node
        self.time = time
        self.epoch = epoch
        self.heads = heads
        self.quarantined = quarantined
        self.healing = healing
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "protocol": .int(SyncProtocol.version), "node": .string(node), "time": .int(time), "epoch": .string(epoch),
            "heads": heads.json, "quarantined": .array(quarantined.map(\.json)),
        ]
        if healing { fields["healing"] = .bool(true) }
        return .object(fields)
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        node = try reader.nodeCode("node")
        time = try reader.int("time")
        epoch = try reader.string("epoch")
        heads = try reader.heads("heads")
        quarantined = try reader.reports("quarantined")
        healing = reader.fields["healing"]?.boolValue ?? false
    }
}

/// PushRequest carries changes the parent lacks.
public struct PushRequest: Sendable {
    public var changes: [JSONValue]

    public init(changes: [Change]) { self.changes = changes.map(\.wireJSON) }

    public var json: JSONValue { ["protocol": .int(SyncProtocol.version), "changes": .array(changes)] }

    /// The canonical body of a push of changes already in wire text: the same bytes as `json`, without re-encoding.
    public static func body(_ changes: [EncodedChange]) -> [UInt8] {
        var out = Array(#"{"changes":"#.utf8)
        EncodedChange.appendArray(changes, to: &out)
        out.append(contentsOf: #","protocol":\#(SyncProtocol.version)}"#.utf8)
        return out
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        changes = try reader.array("changes")
        guard !changes.isEmpty else { throw SyncError.invalid("changes", "一批至少 1 条，收到 0 条") }
        guard changes.count <= SyncProtocol.maxBatch else {
            throw SyncError.invalid("changes", "一批最多 \(SyncProtocol.maxBatch) 条，收到 \(changes.count) 条")
        }
    }
}

/// PushResponse says what the parent did with the batch and what it now holds of those origins.
public struct PushResponse: Sendable {
    public var stored: Int64
    public var duplicates: Int64
    public var quarantined: [SyncReport]
    public var heads: Heads

    public init(stored: Int64, duplicates: Int64, quarantined: [SyncReport], heads: Heads) {
        self.stored = stored
        self.duplicates = duplicates
        self.quarantined = quarantined
        self.heads = heads
    }

    public var json: JSONValue {
        ["stored": .int(stored), "duplicates": .int(duplicates), "quarantined": .array(quarantined.map(\.json)), "heads": heads.json]
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        stored = try reader.int("stored")
        duplicates = try reader.int("duplicates")
        quarantined = try reader.reports("quarantined")
        heads = try reader.heads("heads")
    }
}

/// PullRequest asks for the changes routed to the child after a route position.
public struct PullRequest: Sendable {
    public var after: Int64
    public var limit: Int64
    public var wait: Int64

    public init(after: Int64, limit: Int64, wait: Int64) {
        self.after = after
        self.limit = limit
        self.wait = wait
    }

    public var json: JSONValue {
        ["protocol": .int(SyncProtocol.version), "after": .int(after), "limit": .int(limit), "wait": .int(wait)]
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        after = try reader.int("after", in: 0...Int64.max)
        limit = try reader.int("limit", in: 1...Int64(SyncProtocol.maxBatch))
        wait = try reader.optionalInt("wait", in: 0...SyncProtocol.maxWaitSeconds) ?? 0
    }
}

/// PullResponse is a page of routed changes.
public struct PullResponse: Sendable {
    public var changes: [JSONValue]
    public var next: Int64
    public var more: Bool
    public var epoch: String

    public init(changes: [JSONValue], next: Int64, more: Bool, epoch: String) {
        self.changes = changes
        self.next = next
        self.more = more
        self.epoch = epoch
    }

    public var json: JSONValue {
        ["changes": .array(changes), "next": .int(next), "more": .bool(more), "epoch": .string(epoch)]
    }

    /// The canonical body of a pull answer whose changes are already wire text: the same bytes as `json`.
    public static func body(_ changes: [EncodedChange], next: Int64, more: Bool, epoch: String) -> [UInt8] {
        var out = Array(#"{"changes":"#.utf8)
        EncodedChange.appendArray(changes, to: &out)
        out.append(contentsOf: #","epoch":"#.utf8)
        JSONValue.appendString(epoch, to: &out)
        out.append(contentsOf: #","more":\#(more),"next":\#(next)}"#.utf8)
        return out
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        changes = try reader.array("changes")
        next = try reader.int("next", in: 0...Int64.max)
        more = try reader.bool("more")
        epoch = try reader.string("epoch")
    }
}

/// FetchRequest asks for the parent's copies of one origin's chain (a restored child's lost changes).
public struct FetchRequest: Sendable {
    public var origin: String
    public var after: Int64
    public var limit: Int64

    public init(origin: String, after: Int64, limit: Int64) {
        self.origin = origin
        self.after = after
        self.limit = limit
    }

    public var json: JSONValue {
        ["protocol": .int(SyncProtocol.version), "origin": .string(origin), "after": .int(after), "limit": .int(limit)]
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        origin = try reader.nodeCode("origin")
        after = try reader.int("after", in: 0...Int64.max)
        limit = try reader.int("limit", in: 1...Int64(SyncProtocol.maxBatch))
    }
}

/// FetchResponse is a page of one origin's chain.
public struct FetchResponse: Sendable {
    public var changes: [JSONValue]
    public var more: Bool

    public init(changes: [JSONValue], more: Bool) {
        self.changes = changes
        self.more = more
    }

    public var json: JSONValue { ["changes": .array(changes), "more": .bool(more)] }

    public init(_ reader: MessageReader) throws(SyncError) {
        changes = try reader.array("changes")
        more = try reader.bool("more")
    }
}

extension SyncReport {
    /// The report of a change quarantined by an ingest.
    public init(_ quarantined: IngestOutcome.Quarantined, hash: [UInt8]) {
        self.init(origin: quarantined.change.origin, seq: quarantined.change.seq, hash: Hex.encode(hash),
                  reason: quarantined.reason, message: quarantined.message)
    }
}
