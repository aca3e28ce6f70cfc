/// ImportReader reads one JSON object of an import document, checking types and keys and throwing an
/// `ImportError` that carries the item code and the full JSON path of what is wrong.
struct ImportReader {
    let fields: [String: JSONValue]
    /// Path of this object, e.g. `items[3]`; empty at the top of a document.
    let path: String
    /// The item being read, once its code is known.
    var item: String?

    init(_ json: JSONValue, path: String, item: String? = nil) throws(ImportError) {
        guard case .object(let fields) = json else {
            throw ImportError(
                code: ImportError.Code.wrongType, item: item, field: path,
                message: "应为对象，实际为\(json.chineseTypeName)")
        }
        self.fields = fields
        self.path = path
        self.item = item
    }

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ code: String, _ key: String, _ message: String) -> ImportError {
        ImportError(code: code, item: item, field: path(key), message: message)
    }

    /// Rejects every key not in `allowed`, naming the first in sorted order so the error is stable.
    func rejectUnknownKeys(_ allowed: Set<String>) throws(ImportError) {
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw error(ImportError.Code.unknownField, unknown, "未知字段“\(unknown)”")
        }
    }

    /// The value at `key`; absent and `null` both count as missing.
    func optional(_ key: String) -> JSONValue? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(ImportError) -> JSONValue {
        guard let value = optional(key) else {
            throw error(ImportError.Code.missingField, key, "缺少必填字段“\(key)”")
        }
        return value
    }

    func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> ImportError {
        error(ImportError.Code.wrongType, key, "应为\(expected)，实际为\(value.chineseTypeName)")
    }

    func string(_ key: String) throws(ImportError) -> String {
        let value = try required(key)
        guard let s = value.stringValue else { throw wrongType(key, "字符串", value) }
        return s
    }

    func optionalString(_ key: String) throws(ImportError) -> String? {
        guard let value = optional(key) else { return nil }
        guard let s = value.stringValue else { throw wrongType(key, "字符串", value) }
        return s
    }

    /// A non-empty string that is not only white space.
    func text(_ key: String) throws(ImportError) -> String {
        let s = try string(key)
        guard s.contains(where: { !$0.isWhitespace }) else {
            throw error(ImportError.Code.invalidField, key, "“\(key)”不能为空")
        }
        return s
    }

    func optionalText(_ key: String) throws(ImportError) -> String? {
        guard optional(key) != nil else { return nil }
        return try text(key)
    }

    func int(_ key: String) throws(ImportError) -> Int {
        try int(key, try required(key))
    }

    func optionalInt(_ key: String) throws(ImportError) -> Int? {
        guard let value = optional(key) else { return nil }
        return try int(key, value)
    }

    private func int(_ key: String, _ value: JSONValue) throws(ImportError) -> Int {
        guard let i = value.intValue else { throw wrongType(key, "整数", value) }
        guard let n = Int(exactly: i) else {
            throw error(ImportError.Code.invalidField, key, "整数超出范围：\(i)")
        }
        return n
    }

    func bool(_ key: String) throws(ImportError) -> Bool {
        let value = try required(key)
        guard let b = value.boolValue else { throw wrongType(key, "布尔值（true/false）", value) }
        return b
    }

    func array(_ key: String) throws(ImportError) -> [JSONValue] {
        let value = try required(key)
        guard let a = value.arrayValue else { throw wrongType(key, "数组", value) }
        return a
    }

    func object(_ key: String) throws(ImportError) -> ImportReader {
        try ImportReader(try required(key), path: path(key), item: item)
    }

    func optionalObject(_ key: String) throws(ImportError) -> ImportReader? {
        guard let value = optional(key) else { return nil }
        return try ImportReader(value, path: path(key), item: item)
    }

    /// A string that must be one of an enumeration's raw values; the error lists the allowed ones.
    func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(ImportError) -> E
    where E.RawValue == String {
        try enumValue(key, try required(key), type)
    }

    func optionalEnumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(ImportError)
        -> E?
    where E.RawValue == String {
        guard let value = optional(key) else { return nil }
        return try enumValue(key, value, type)
    }

    /// Reads `value` (found at `key`, which may be an array element path like `acceptAt[1]`) as an enum.
    func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ value: JSONValue, _ type: E.Type)
        throws(ImportError) -> E
    where E.RawValue == String {
        guard let s = value.stringValue else { throw wrongType(key, "字符串", value) }
        guard let e = E(rawValue: s) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(ImportError.Code.unknownValue, key, "无效的取值“\(s)”，可选值：\(allowed)")
        }
        return e
    }

    /// A time limit object `{"days": n, "unit": "working|natural"}` (法定时限 / 承诺时限).
    func timeLimit(_ key: String) throws(ImportError) -> TimeLimit {
        try ImportReader.timeLimit(try object(key))
    }

    func optionalTimeLimit(_ key: String) throws(ImportError) -> TimeLimit? {
        guard let reader = try optionalObject(key) else { return nil }
        return try ImportReader.timeLimit(reader)
    }

    /// Longest limit accepted, in days: anything longer is a typing mistake, not a real limit.
    static let maxLimitDays = 3650

    private static func timeLimit(_ reader: ImportReader) throws(ImportError) -> TimeLimit {
        try reader.rejectUnknownKeys(["days", "unit"])
        let days = try reader.int("days")
        guard days >= 0 else {
            throw reader.error(ImportError.Code.invalidField, "days", "天数不能为负数：\(days)")
        }
        guard days <= maxLimitDays else {
            throw reader.error(ImportError.Code.invalidField, "days", "天数超出合理范围（≤ \(maxLimitDays)）：\(days)")
        }
        let unit = try reader.enumValue("unit", TimeLimit.Unit.self)
        return TimeLimit(days: days, unit: unit)
    }
}

extension JSONValue {
    /// The JSON type's name in Chinese, for staff-facing errors (imports, payloads).
    public var chineseTypeName: String {
        switch self {
        case .null: return "空值（null）"
        case .bool: return "布尔值"
        case .int: return "整数"
        case .string: return "字符串"
        case .array: return "数组"
        case .object: return "对象"
        }
    }
}
