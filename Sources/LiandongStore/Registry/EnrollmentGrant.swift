import LiandongDomain

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
