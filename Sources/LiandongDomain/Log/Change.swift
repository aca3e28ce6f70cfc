/// Change is one fact in the append-only log (DESIGN §5). `(origin, seq)` is its identity everywhere;
/// `hash` covers the canonical encoding of every other field but `sig`, and `sig` is the origin's
/// Ed25519 signature over `hash`. `prev` chains each origin's changes like git commits.
public struct Change: Sendable, Hashable {
    /// Version of the change envelope; part of the signed body, so that it cannot be altered in transit.
    public static let envelopeVersion: Int64 = 1
    public static let zeroHash = [UInt8](repeating: 0, count: 32)

    public var origin: String
    public var seq: Int64
    public var hlc: HLC
    /// The origin's wall-clock time in milliseconds since the epoch: the legal record (the time a receipt shows).
    public var wall: Int64
    public var actor: String
    public var entity: String
    public var kind: String
    public var payload: JSONValue
    /// Routing keys: the node codes that are parties of the entity, written at write time (DESIGN §7).
    public var parties: [String]
    public var prev: [UInt8]
    public var hash: [UInt8]
    public var sig: [UInt8]

    public init(
        origin: String, seq: Int64, hlc: HLC, wall: Int64, actor: String, entity: String, kind: String,
        payload: JSONValue, parties: [String], prev: [UInt8], hash: [UInt8] = [], sig: [UInt8] = []
    ) {
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.wall = wall
        self.actor = actor
        self.entity = entity
        self.kind = kind
        self.payload = payload
        self.parties = parties
        self.prev = prev
        self.hash = hash
        self.sig = sig
    }

    /// The bytes that are hashed: the canonical encoding (Protocol/canonical.md) of every field but
    /// hash and sig, written field by field in key order (the same bytes as `bodyJSON.canonicalBytes`,
    /// without building the object: this runs for every change a node records or receives).
    public var signingBody: [UInt8] { encodedBody().body }

    /// The signing body and where the payload's canonical text lies in it: a node that has just
    /// hashed a change stores that text as it is instead of encoding the payload again.
    public func encodedBody() -> (body: [UInt8], payload: Range<Int>) {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        func key(_ name: StaticString) { JSONValue.appendKey(name, first: out.isEmpty, to: &out) }
        // Keys in UTF-8 byte order: actor entity hlc kind origin parties payload prev seq v wall.
        key("actor"); JSONValue.appendString(actor, to: &out)
        key("entity"); JSONValue.appendString(entity, to: &out)
        key("hlc"); JSONValue.appendInteger(hlc.rawValue, to: &out)
        key("kind"); JSONValue.appendString(kind, to: &out)
        key("origin"); JSONValue.appendString(origin, to: &out)
        key("parties"); JSONValue.strings(parties).appendCanonical(to: &out)
        key("payload")
        let payloadStart = out.count
        payload.appendCanonical(to: &out)
        let payloadRange = payloadStart..<out.count
        key("prev"); Hex.appendQuoted(prev, to: &out)
        key("seq"); JSONValue.appendInteger(seq, to: &out)
        key("v"); JSONValue.appendInteger(Change.envelopeVersion, to: &out)
        key("wall"); JSONValue.appendInteger(wall, to: &out)
        out.append(0x7D)
        return (out, payloadRange)
    }

    public var bodyJSON: JSONValue {
        .object([
            "v": .int(Change.envelopeVersion),
            "origin": .string(origin),
            "seq": .int(seq),
            "hlc": .int(hlc.rawValue),
            "wall": .int(wall),
            "actor": .string(actor),
            "entity": .string(entity),
            "kind": .string(kind),
            "payload": payload,
            "parties": .strings(parties),
            "prev": .string(Hex.encode(prev)),
        ])
    }

    /// The whole change as it travels: the body plus hash and signature in hex.
    public var wireJSON: JSONValue {
        guard case .object(var fields) = bodyJSON else { return bodyJSON }
        fields["hash"] = .string(Hex.encode(hash))
        fields["sig"] = .string(Hex.encode(sig))
        return .object(fields)
    }

    /// The total order of DESIGN §6: `(hlc, origin, seq)`.
    public static func precedes(_ a: Change, _ b: Change) -> Bool {
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        if a.origin != b.origin { return a.origin.utf8.lexicographicallyPrecedes(b.origin.utf8) }
        return a.seq < b.seq
    }

    /// The localized wall time of this change as a civil date in China Standard Time.
    public var wallDate: LocalDate { LocalDate(epochMillis: wall) }
}

/// ChangeDecodeError names the field of a wire change that is missing or malformed.
public struct ChangeDecodeError: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { field.isEmpty ? "变更\(reason)" : "变更字段 \(field)：\(reason)" }
}

extension Change {
    static let wireFields: Set<String> = ["v", "origin", "seq", "hlc", "wall", "actor", "entity", "kind", "payload", "parties", "prev", "hash", "sig"]

    /// Decodes a change from its wire form, checking every field's type; hash and signature are
    /// checked by the receiver, not here.
    public init(wire json: JSONValue) throws {
        guard case .object(let f) = json else { throw ChangeDecodeError(field: "", reason: "应为 JSON 对象") }
        func string(_ key: String) throws -> String {
            guard let s = f[key]?.stringValue else { throw ChangeDecodeError(field: key, reason: "应为字符串") }
            return s
        }
        func int(_ key: String) throws -> Int64 {
            guard let i = f[key]?.intValue else { throw ChangeDecodeError(field: key, reason: "应为整数") }
            return i
        }
        func hex(_ key: String, count: Int) throws -> [UInt8] {
            guard let bytes = Hex.decode(try string(key)), bytes.count == count else {
                throw ChangeDecodeError(field: key, reason: "应为 \(count) 字节的小写十六进制")
            }
            return bytes
        }
        let version = try int("v")
        guard version == Change.envelopeVersion else {
            throw ChangeDecodeError(field: "v", reason: "信封版本 \(version) 无法识别")
        }
        if let unknown = f.keys.first(where: { !Change.wireFields.contains($0) }) {
            throw ChangeDecodeError(field: unknown, reason: "无法识别（变更信封不接受未知字段）")
        }
        guard let payload = f["payload"] else { throw ChangeDecodeError(field: "payload", reason: "缺失") }
        guard let partyList = f["parties"]?.arrayValue else { throw ChangeDecodeError(field: "parties", reason: "应为数组") }
        var parties: [String] = []
        for p in partyList {
            guard let s = p.stringValue else { throw ChangeDecodeError(field: "parties", reason: "应为字符串数组") }
            parties.append(s)
        }
        let hlc = try int("hlc")
        guard hlc > 0 else { throw ChangeDecodeError(field: "hlc", reason: "应大于 0") }
        let seq = try int("seq")
        guard seq >= 1 else { throw ChangeDecodeError(field: "seq", reason: "应不小于 1") }
        self.init(
            origin: try string("origin"), seq: seq, hlc: HLC(rawValue: hlc), wall: try int("wall"),
            actor: try string("actor"), entity: try string("entity"), kind: try string("kind"),
            payload: payload, parties: parties, prev: try hex("prev", count: 32),
            hash: try hex("hash", count: 32), sig: try hex("sig", count: 64))
    }
}
