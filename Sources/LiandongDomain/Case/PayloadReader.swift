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
        guard case .object(let fields) = json else { throw CaseError.invalidPayload(field: field, reason: "应为对象") }
        guard let v = fields[key], !v.isNull else { throw fail(key, "缺少此项") }
        return v
    }

    public func string(_ key: String) throws -> String {
        let v = try value(key)
        guard let s = v.stringValue else { throw fail(key, "应为文字，实际为\(v.chineseTypeName)") }
        guard !s.isEmpty else { throw fail(key, "不能为空") }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = json[key], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw fail(key, "应为文字，实际为\(v.chineseTypeName)") }
        return s.isEmpty ? nil : s
    }

    public func int(_ key: String) throws -> Int64 {
        let v = try value(key)
        guard let i = v.intValue else { throw fail(key, "应为整数，实际为\(v.chineseTypeName)") }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int64? {
        guard let v = json[key], !v.isNull else { return nil }
        guard let i = v.intValue else { throw fail(key, "应为整数，实际为\(v.chineseTypeName)") }
        return i
    }

    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let v = json[key], !v.isNull else { return defaultValue }
        guard let b = v.boolValue else { throw fail(key, "应为是/否（布尔值），实际为\(v.chineseTypeName)") }
        return b
    }

    public func strings(_ key: String) throws -> [String] {
        guard let v = json[key], !v.isNull else { return [] }
        guard let items = v.arrayValue else { throw fail(key, "应为列表，实际为\(v.chineseTypeName)") }
        return try items.map {
            guard let s = $0.stringValue else { throw fail(key, "列表中应均为文字") }
            return s
        }
    }

    public func enumValue<E: RawRepresentable>(_ key: String, _ type: E.Type) throws -> E where E.RawValue == String {
        let raw = try string(key)
        guard let e = E(rawValue: raw) else { throw fail(key, "未知的取值“\(raw)”") }
        return e
    }
}
