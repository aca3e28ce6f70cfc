import LiandongDomain

/// RegistryEntry is one node of the registry (节点登记表) as held here: its code, role, name,
/// public key (the one that signs its new changes), the HLC readings of its registration and
/// revocation, and, for a code its parent re-keyed, its key history.
public struct RegistryEntry: Sendable, Equatable {
    public var code: String
    public var role: Role
    public var name: String
    public var publicKey: [UInt8]
    /// The HLC of the registration applied; 0 for a key trusted directly (enrollment, tests).
    public var registeredHLC: Int64
    /// The HLC from which the node's changes are refused; nil while it is not revoked.
    public var revokedHLC: Int64?
    /// Every key of the code in seq order when it was re-keyed (`node.rekeyed`), else empty.
    public var history: [KeyEpoch] = []
    /// The key its registration gave it (before any re-key), as the `nodes` row holds it.
    public var registeredKey: [UInt8]

    public init(code: String, role: Role, name: String, publicKey: [UInt8], registeredHLC: Int64 = 0, revokedHLC: Int64? = nil) {
        self.code = code
        self.role = role
        self.name = name
        self.publicKey = publicKey
        self.registeredHLC = registeredHLC
        self.revokedHLC = revokedHLC
        self.registeredKey = publicKey
    }

    public var isRevoked: Bool { revokedHLC != nil }

    /// The wire form of the enroll answer: `{"code","role","name","publicKey","revoked"}`, plus
    /// `revokedHlc` when revoked so that the child refuses exactly what the parent refuses.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "code": .string(code), "role": .string(role.rawValue), "name": .string(name),
            "publicKey": .string(Hex.encode(publicKey)), "revoked": .bool(isRevoked),
        ]
        if let revokedHLC { fields["revokedHlc"] = .int(revokedHLC) }
        // A re-keyed code carries its history: the re-enrolled node checks its old chain with it.
        if !history.isEmpty, let keys = KeyHistory(registered: [], rekeys: history) { fields["keys"] = keys.json }
        return .object(fields)
    }

    /// Reads the wire form, naming the bad field (`field` is where it sits in the document).
    public static func parse(_ json: JSONValue, field: String) throws -> RegistryEntry {
        let registration = try NodeRegistration.parse(json, field: field)
        let reader = PayloadReader(json, field: field)
        let revoked = try reader.bool("revoked", default: false)
        let revokedHLC = try reader.optionalInt("revokedHlc")
        if let revokedHLC, revokedHLC < 0 { throw reader.fail("revokedHlc", "must not be negative") }
        var entry = RegistryEntry(code: registration.code, role: registration.role, name: registration.name, publicKey: registration.publicKey,
                                  revokedHLC: revoked ? (revokedHLC ?? 0) : nil)
        if let keys = json["keys"] {
            entry.history = try KeyHistory.parse(keys, field: "\(field).keys")
            if let first = entry.history.first, first.fromSeq == 1 { entry.registeredKey = first.publicKey }
            guard entry.history.last?.publicKey == entry.publicKey else { throw reader.fail("keys", "the last key must be publicKey") }
        }
        return entry
    }
}

/// EnrollmentGrant is what a parent answers a child that enrolled: the parent itself and the
/// registry snapshot the child trusts (trust on first use, protected by the one-time token).
public struct EnrollmentGrant: Sendable, Equatable {
    public var parent: RegistryEntry
    public var registry: [RegistryEntry]

    public init(parent: RegistryEntry, registry: [RegistryEntry]) {
        self.parent = parent
        self.registry = registry
    }

    public var json: JSONValue {
        var parentFields = parent.json.objectValue ?? [:]
        parentFields["revoked"] = nil
        parentFields["revokedHlc"] = nil
        return ["parent": .object(parentFields), "registry": .array(registry.map(\.json))]
    }

    public static func parse(_ json: JSONValue) throws -> EnrollmentGrant {
        guard case .object = json else { throw CaseError.invalidPayload(field: "response", reason: "应为 JSON 对象") }
        guard let parentJSON = json["parent"] else { throw CaseError.invalidPayload(field: "parent", reason: "缺失") }
        let parent = try RegistryEntry.parse(parentJSON, field: "parent")
        guard let list = json["registry"]?.arrayValue else { throw CaseError.invalidPayload(field: "registry", reason: "应为数组") }
        let registry = try list.enumerated().map { try RegistryEntry.parse($1, field: "registry[\($0)]") }
        return EnrollmentGrant(parent: parent, registry: registry)
    }
}

/// EnrollmentInvitation is what `node add` made: the one-time token (shown once, stored only as
/// its SHA-256) for the child with this code, role and name, valid until `expiresAt` (ms).
public struct EnrollmentInvitation: Sendable, Equatable {
    public var token: String
    public var code: String
    public var role: Role
    public var name: String
    public var expiresAt: Int64
}

/// PendingEnrollment is a token `node add` made that no child has used yet (its hash only).
public struct PendingEnrollment: Sendable, Equatable {
    public var code: String
    public var role: Role
    public var name: String
    public var createdAt: Int64
    public var expiresAt: Int64
}
