/// RegistryEntry is one node of the registry (节点登记表) as a node shows it and as the enroll
/// answer carries it: the node's row (RegistryNode: code, role, name, the key its registration
/// gave it, the HLCs of its registration and revocation) and, for a code its parent re-keyed, its
/// key history. The row's fields read through the entry (`entry.code`, `entry.revokedHLC`); only
/// `publicKey` differs: it is the key that signs the node's new changes, the last of the history.
@dynamicMemberLookup
public struct RegistryEntry: Sendable, Equatable {
    /// The node's row. Its `publicKey` is the registered key (the first of a history).
    public var node: RegistryNode
    /// Every key of the code in seq order when it was re-keyed (`node.rekeyed`), else empty.
    public var history: [KeyEpoch]

    public init(_ node: RegistryNode, history: [KeyEpoch] = []) {
        self.node = node
        self.history = history
    }

    public subscript<Value>(dynamicMember field: KeyPath<RegistryNode, Value>) -> Value { node[keyPath: field] }

    /// The key that signs the node's new changes: the newest of its history, else the registered one.
    public var publicKey: [UInt8] { history.last?.publicKey ?? node.publicKey }

    public var isRevoked: Bool { node.revokedHLC != nil }

    /// The wire form of the enroll answer: `{"code","role","name","publicKey","revoked"}`, plus
    /// `revokedHlc` when revoked so that the child refuses exactly what the parent refuses.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "code": .string(node.code), "role": .string(node.role.rawValue), "name": .string(node.name),
            "publicKey": .string(Hex.encode(publicKey)), "revoked": .bool(isRevoked),
        ]
        if let revokedHLC = node.revokedHLC { fields["revokedHlc"] = .int(revokedHLC) }
        // A re-keyed code carries its history: the re-enrolled node checks its old chain with it.
        if !history.isEmpty, let keys = KeyHistory(registered: [], rekeys: history) { fields["keys"] = keys.json }
        return .object(fields)
    }

    /// Reads the wire form, naming the bad field (`field` is where it sits in the document). The
    /// row holds the first key of the history as the registered one; the HLC of a registration
    /// is not on the wire (0: trusted directly, until the log's registration arrives).
    public static func parse(_ json: JSONValue, field: String) throws -> RegistryEntry {
        let registration = try NodeRegistration.parse(json, field: field)
        let reader = PayloadReader(json, field: field)
        let revoked = try reader.bool("revoked", default: false)
        let revokedHLC = try reader.optionalInt("revokedHlc")
        if let revokedHLC, revokedHLC < 0 { throw reader.fail("revokedHlc", "must not be negative") }
        var history: [KeyEpoch] = []
        if let keys = json["keys"] {
            history = try KeyHistory.parse(keys, field: "\(field).keys")
            guard history.last?.publicKey == registration.publicKey else { throw reader.fail("keys", "the last key must be publicKey") }
        }
        let node = RegistryNode(code: registration.code, role: registration.role, name: registration.name,
                                publicKey: history.first?.publicKey ?? registration.publicKey, registeredHLC: 0,
                                revokedHLC: revoked ? (revokedHLC ?? 0) : nil)
        return RegistryEntry(node, history: history)
    }
}
