/// The change kinds of the node registry (节点登记): a parent registering a child's public key,
/// and an ancestor revoking a node. Both go to every node (parties `["*"]`), so that any node can
/// check any signature and refuse a revoked node's later changes (DESIGN §4, §7).
public enum NodeKind {
    public static let registered = "node.registered"
    public static let revoked = "node.revoked"
}

/// NodeRegistration is the payload of `node.registered`: a node's code, role, name and Ed25519 public key.
public struct NodeRegistration: Sendable, Equatable {
    public var code: String
    public var role: Role
    public var name: String
    public var publicKey: [UInt8]

    public init(code: String, role: Role, name: String, publicKey: [UInt8]) {
        self.code = code
        self.role = role
        self.name = name
        self.publicKey = publicKey
    }

    /// Reads and checks a payload: a 6, 9 or 12 digit code whose length matches the role, a
    /// non-empty name and a 32-byte key in lower-case hex. Every error names the field.
    public static func parse(_ payload: JSONValue, field: String = "payload") throws -> NodeRegistration {
        let reader = PayloadReader(payload, field: field)
        let code = try NodeRegistration.code(reader)
        let role = try reader.enumValue("role", Role.self)
        guard NodeCode.role(of: code) == role else {
            throw reader.fail("role", "\(role.rawValue) does not match the \(code.utf8.count)-digit code \(code)")
        }
        let name = try reader.string("name")
        guard !name.allSatisfy({ $0.isWhitespace }) else { throw reader.fail("name", "must not be blank") }
        let hex = try reader.string("publicKey")
        guard let key = Hex.decode(hex), key.count == 32 else {
            throw reader.fail("publicKey", "expected 64 lower-case hex digits (a 32-byte Ed25519 key)")
        }
        return NodeRegistration(code: code, role: role, name: name, publicKey: key)
    }

    /// A node code field: 6, 9 or 12 digits.
    static func code(_ reader: PayloadReader) throws -> String {
        let code = try reader.string("code")
        guard NodeCode.role(of: code) != nil else { throw reader.fail("code", "应为 6、9 或 12 位节点代码，实为「\(code)」") }
        return code
    }

    public var json: JSONValue {
        ["code": .string(code), "role": .string(role.rawValue), "name": .string(name), "publicKey": .string(Hex.encode(publicKey))]
    }
}

/// NodeRevocation is the payload of `node.revoked`: the node's code and why (撤销原因).
public struct NodeRevocation: Sendable, Equatable {
    public var code: String
    public var reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func parse(_ payload: JSONValue, field: String = "payload") throws -> NodeRevocation {
        let reader = PayloadReader(payload, field: field)
        let code = try NodeRegistration.code(reader)
        let reason = try reader.optionalString("reason") ?? ""
        return NodeRevocation(code: code, reason: reason)
    }

    public var json: JSONValue { ["code": .string(code), "reason": .string(reason)] }
}
