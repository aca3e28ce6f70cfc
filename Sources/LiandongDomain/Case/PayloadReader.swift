/// PayloadReader reads typed fields out of a change payload, naming the field in every error,
/// because payloads arrive from other nodes and must never be trusted to have the right shape.
public struct PayloadReader {
    public let json: JSONValue
    public let field: String

    public init(_ json: JSONValue, field: String = "payload") {
        self.json = json
        self.field = field
    }

    public func fail(_ key: String, _ reason: String) -> CaseError {
        .invalidPayload(field: field.isEmpty ? key : "\(field).\(key)", reason: reason)
    }

    public func value(_ key: String) throws -> JSONValue {
        guard case .object(let fields) = json else { throw CaseError.invalidPayload(field: field, reason: "expected object") }
        guard let v = fields[key], !v.isNull else { throw fail(key, "missing") }
        return v
    }

    public func string(_ key: String) throws -> String {
        let v = try value(key)
        guard let s = v.stringValue else { throw fail(key, "expected string, got \(v.typeName)") }
        guard !s.isEmpty else { throw fail(key, "must not be empty") }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = json[key], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw fail(key, "expected string, got \(v.typeName)") }
        return s.isEmpty ? nil : s
    }

    public func int(_ key: String) throws -> Int64 {
        let v = try value(key)
        guard let i = v.intValue else { throw fail(key, "expected integer, got \(v.typeName)") }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int64? {
        guard let v = json[key], !v.isNull else { return nil }
        guard let i = v.intValue else { throw fail(key, "expected integer, got \(v.typeName)") }
        return i
    }

    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let v = json[key], !v.isNull else { return defaultValue }
        guard let b = v.boolValue else { throw fail(key, "expected boolean, got \(v.typeName)") }
        return b
    }

    public func strings(_ key: String) throws -> [String] {
        guard let v = json[key], !v.isNull else { return [] }
        guard let items = v.arrayValue else { throw fail(key, "expected array, got \(v.typeName)") }
        return try items.map {
            guard let s = $0.stringValue else { throw fail(key, "expected strings") }
            return s
        }
    }

    public func enumValue<E: RawRepresentable>(_ key: String, _ type: E.Type) throws -> E where E.RawValue == String {
        let raw = try string(key)
        guard let e = E(rawValue: raw) else { throw fail(key, "unknown value \"\(raw)\"") }
        return e
    }
}
