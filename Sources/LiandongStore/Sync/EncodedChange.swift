import LiandongDomain

/// EncodedChange is a stored change already in its canonical wire text (Protocol/canonical.md),
/// with what a sender needs to order and acknowledge it. A sender splices `wire` into a message
/// as it is: a change is encoded once on its way out, never decoded and re-encoded.
public struct EncodedChange: Sendable {
    public let origin: String
    public let seq: Int64
    public let hlc: HLC
    public let hash: [UInt8]
    public let wire: [UInt8]

    /// The total order of DESIGN §6, as `Change.precedes`.
    public static func precedes(_ a: EncodedChange, _ b: EncodedChange) -> Bool {
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        if a.origin != b.origin { return a.origin.utf8.lexicographicallyPrecedes(b.origin.utf8) }
        return a.seq < b.seq
    }

    /// The change itself, decoded from its wire text (for tests and tools; senders splice `wire`).
    public func decoded() throws -> Change { try Change(wire: JSONParser.parse(wire)) }

    /// Appends `[wire,wire,…]`, the JSON array of the changes, to a message body.
    public static func appendArray(_ changes: some Collection<EncodedChange>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + changes.reduce(2) { $0 + $1.wire.count + 1 })
        out.append(0x5B)
        for (index, change) in changes.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: change.wire)
        }
        out.append(0x5D)
    }
}

extension NodeStore {
    /// One origin's changes held here after `seq`, in seq order, at most `limit`, as wire text.
    public func encodedChanges(of origin: String, after seq: Int64, limit: Int) throws -> [EncodedChange] {
        let statement = try db.cachedStatement(
            "SELECT \(NodeStore.changeColumns) FROM changes WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?")
        defer { statement.reset() }
        try statement.bind(origin, at: 1)
        try statement.bind(seq, at: 2)
        try statement.bind(limit, at: 3)
        var result: [EncodedChange] = []
        while try statement.step() { result.append(NodeStore.encodeChange(statement)) }
        return result
    }

    /// The wire text of a row whose columns start at `offset` in `changeColumns` order, written
    /// straight from the columns: `payload` and `parties` are stored in canonical form (`insert`),
    /// so the text is byte for byte `Change.wireJSON.canonicalBytes` (NodeStoreWireTests).
    static func encodeChange(_ s: Statement, offset: Int = 0) -> EncodedChange {
        let origin = s.text(offset)
        let seq = s.int64(offset + 1)
        let hlc = s.int64(offset + 2)
        let hash = s.blob(offset + 10)
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        // Keys in UTF-8 byte order: actor entity hash hlc kind origin parties payload prev seq sig v wall.
        func key(_ name: StaticString) { JSONValue.appendKey(name, first: out.isEmpty, to: &out) }
        func hex(_ bytes: [UInt8]) { Hex.appendQuoted(bytes, to: &out) }
        key("actor"); JSONValue.appendString(s.text(offset + 4), to: &out)
        key("entity"); JSONValue.appendString(s.text(offset + 5), to: &out)
        key("hash"); hex(hash)
        key("hlc"); JSONValue.appendInteger(hlc, to: &out)
        key("kind"); JSONValue.appendString(s.text(offset + 6), to: &out)
        key("origin"); JSONValue.appendString(origin, to: &out)
        key("parties"); s.appendText(offset + 8, to: &out)
        key("payload"); s.appendText(offset + 7, to: &out)
        key("prev"); hex(s.blob(offset + 9))
        key("seq"); JSONValue.appendInteger(seq, to: &out)
        key("sig"); hex(s.blob(offset + 11))
        key("v"); JSONValue.appendInteger(Change.envelopeVersion, to: &out)
        key("wall"); JSONValue.appendInteger(s.int64(offset + 3), to: &out)
        out.append(0x7D)
        return EncodedChange(origin: origin, seq: seq, hlc: HLC(rawValue: hlc), hash: hash, wire: out)
    }
}
