/// NodeRekey is the payload of `node.rekeyed` (重新登记密钥): a node lost its private key with no
/// backup (a dead disk), and its parent gives its code a new public key. The old chain stays valid
/// and visible: its changes up to `fromSeq - 1` still verify with the old key; from `fromSeq` on
/// only the new key signs, and a change signed with the old key there is refused (the lost key may
/// be in a thief's hands). Protocol/change.md, "Key history".
///
/// The cut-over is a seq of the node's own chain, not a time or an epoch number carried by every
/// change: (origin, seq) is already signed into each change, so any replica holding the same
/// registry changes picks the same key for every change, whatever order they arrived in, and the
/// change format does not change. The parent sets it to the head it holds of the node's chain + 1:
/// every change a village makes passes through its parent first, so no replica can hold an old-key
/// change at or beyond the cut-over that the parent accepted. Hence only the direct parent re-keys
/// (ChangeKinds, author `.parent`): not the node itself (whoever holds the lost key could re-key it),
/// and not a farther ancestor, which may hold less of the chain than the parent.
public struct NodeRekey: Sendable, Equatable {
    public static let kind = "node.rekeyed"

    public var code: String
    public var publicKey: [UInt8]
    /// The first seq of the node's chain the new key signs.
    public var fromSeq: Int64
    public var reason: String

    public init(code: String, publicKey: [UInt8], fromSeq: Int64, reason: String) {
        self.code = code
        self.publicKey = publicKey
        self.fromSeq = fromSeq
        self.reason = reason
    }

    public static func parse(_ payload: JSONValue, field: String = "payload") throws -> NodeRekey {
        let reader = PayloadReader(payload, field: field)
        let code = try NodeRegistration.code(reader)
        let hex = try reader.string("publicKey")
        guard let key = Hex.decode(hex), key.count == 32 else {
            throw reader.fail("publicKey", "expected 64 lower-case hex digits (a 32-byte Ed25519 key)")
        }
        let fromSeq = try reader.int("fromSeq")
        guard fromSeq >= 1 else { throw reader.fail("fromSeq", "must be at least 1") }
        let reason = try reader.string("reason")
        guard !reason.allSatisfy({ $0.isWhitespace }) else { throw reader.fail("reason", "must not be blank") }
        return NodeRekey(code: code, publicKey: key, fromSeq: fromSeq, reason: reason)
    }

    public var json: JSONValue {
        ["code": .string(code), "publicKey": .string(Hex.encode(publicKey)), "fromSeq": .int(fromSeq), "reason": .string(reason)]
    }
}

/// KeyEpoch is one key of a node's history and the seqs it signs: from `fromSeq` until the next
/// epoch's `fromSeq`. The first epoch is the registered key; each later one a re-key.
public struct KeyEpoch: Sendable, Equatable {
    public var fromSeq: Int64
    public var publicKey: [UInt8]
    /// The re-key that began the epoch (nil for the registered key): why, by which node, at which HLC.
    public var reason: String?
    public var by: String?
    public var hlc: Int64?

    public init(fromSeq: Int64, publicKey: [UInt8], reason: String? = nil, by: String? = nil, hlc: Int64? = nil) {
        self.fromSeq = fromSeq
        self.publicKey = publicKey
        self.reason = reason
        self.by = by
        self.hlc = hlc
    }
}

/// How a change's signature stands against its origin's key history.
public enum SignatureJudgement: Sendable, Equatable {
    /// Signed with the key of its seq's epoch.
    case valid
    /// Signed with a key retired at `cutOver` (the change's seq is at or after it): refused.
    case retiredKey(cutOver: Int64)
    /// Signed with no key of the history.
    case invalid
}

/// KeyHistory is the keys of one node code in seq order: the registered key, then each re-key.
/// A pure fold of the registry changes, so that every replica holding the same ones judges every
/// signature the same way.
public struct KeyHistory: Sendable, Equatable {
    /// Sorted by `fromSeq`, the first from seq 1 (or a re-key from 1 that replaced the registered key).
    public private(set) var epochs: [KeyEpoch]

    /// Folds the registered key and the re-keys: for one `fromSeq` the later re-key by HLC stands
    /// (a second re-key before the new key signed anything replaces the first; ties by the larger
    /// key, as registrations). Nil when there is no key at all.
    public init?(registered: [UInt8], rekeys: [KeyEpoch]) {
        var byStart: [Int64: KeyEpoch] = [:]
        if !registered.isEmpty { byStart[1] = KeyEpoch(fromSeq: 1, publicKey: registered) }
        for rekey in rekeys {
            guard let held = byStart[rekey.fromSeq], held.hlc != nil else {
                byStart[rekey.fromSeq] = rekey
                continue
            }
            let (a, b) = (rekey.hlc ?? 0, held.hlc ?? 0)
            if a > b || (a == b && held.publicKey.lexicographicallyPrecedes(rekey.publicKey)) { byStart[rekey.fromSeq] = rekey }
        }
        guard !byStart.isEmpty else { return nil }
        epochs = byStart.values.sorted { $0.fromSeq < $1.fromSeq }
    }

    /// The key that signs new changes now.
    public var current: [UInt8] { epochs[epochs.count - 1].publicKey }

    /// Whether the code was ever re-keyed.
    public var isRekeyed: Bool { epochs.count > 1 || epochs[0].hlc != nil }

    /// The index of the epoch whose key signs `seq`; seqs before the first epoch (a re-key from a
    /// seq above 1 with no registered key known) have none.
    public func epochIndex(forSeq seq: Int64) -> Int? {
        epochs.lastIndex { $0.fromSeq <= seq }
    }

    /// Judges a change's signature at `seq`: valid with its epoch's key; `retiredKey` when a key of
    /// an earlier epoch signed it (the key was retired before this seq); else invalid.
    /// `isValid` says whether an epoch's key made the signature (the caller holds the crypto).
    public func judge(seq: Int64, isValid: (Int) -> Bool) -> SignatureJudgement {
        guard let index = epochIndex(forSeq: seq) else { return .invalid }
        if isValid(index) { return .valid }
        for earlier in stride(from: index - 1, through: 0, by: -1) where isValid(earlier) {
            return .retiredKey(cutOver: epochs[earlier + 1].fromSeq)
        }
        return .invalid
    }

    /// The wire form in the enroll answer: `[{"fromSeq","publicKey"}]`, so that a node re-enrolled
    /// knows the key its old chain was signed with before any change reaches it.
    public var json: JSONValue {
        .array(epochs.map { ["fromSeq": .int($0.fromSeq), "publicKey": .string(Hex.encode($0.publicKey))] })
    }

    /// Reads the wire form: fromSeq strictly increasing from 1, each key 32 bytes.
    public static func parse(_ json: JSONValue, field: String) throws -> [KeyEpoch] {
        guard let items = json.arrayValue, !items.isEmpty else { throw CaseError.invalidPayload(field: field, reason: "应为非空数组") }
        var epochs: [KeyEpoch] = []
        for (index, item) in items.enumerated() {
            let reader = PayloadReader(item, field: "\(field)[\(index)]")
            let fromSeq = try reader.int("fromSeq")
            guard fromSeq >= 1, fromSeq > (epochs.last?.fromSeq ?? 0) else { throw reader.fail("fromSeq", "must increase from 1") }
            guard let key = Hex.decode(try reader.string("publicKey")), key.count == 32 else {
                throw reader.fail("publicKey", "expected 64 lower-case hex digits (a 32-byte Ed25519 key)")
            }
            epochs.append(KeyEpoch(fromSeq: fromSeq, publicKey: key))
        }
        return epochs
    }
}
