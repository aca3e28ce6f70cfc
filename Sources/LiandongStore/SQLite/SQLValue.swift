/// SQLValue is one SQLite value, in SQLite's five storage classes.
public enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Bytes as a plain array: no Foundation `Data` in the store's API.
    case blob([UInt8])
}

extension SQLValue {
    public init(_ value: Int) { self = .integer(Int64(value)) }
    public init(_ value: Int64) { self = .integer(value) }
    public init(_ value: Double) { self = .real(value) }
    public init(_ value: String) { self = .text(value) }
    public init(_ value: [UInt8]) { self = .blob(value) }
    /// Booleans are stored as 0 and 1, as SQLite itself does.
    public init(_ value: Bool) { self = .integer(value ? 1 : 0) }

    public var isNull: Bool { self == .null }

    /// The integer, if this is one (no conversion from text or real).
    public var int64Value: Int64? { if case .integer(let v) = self { v } else { nil } }
    /// The real, or an integer widened to a real (SQLite may store a REAL column's 1.0 as 1).
    public var doubleValue: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
    public var textValue: String? { if case .text(let v) = self { v } else { nil } }
    public var blobValue: [UInt8]? { if case .blob(let v) = self { v } else { nil } }
}

extension SQLValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self.init(value) }
}

extension SQLValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension SQLValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): "'" + String(v.flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'"
        case .blob(let v): "x'" + v.map { byteHex($0) }.joined() + "'"
        }
    }
}

private func byteHex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
