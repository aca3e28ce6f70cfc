/// Row is one result row as a value: column names and values, by index or by name.
///
/// Typed getters are strict and return nil for a missing column, NULL, or another stored type
/// (no text-to-number coercion), so that a schema mistake shows up instead of reading as 0.
public struct Row: Hashable, Sendable {
    public let columnNames: [String]
    public let values: [SQLValue]

    public init(columnNames: [String], values: [SQLValue]) {
        precondition(columnNames.count == values.count, "one name per value")
        self.columnNames = columnNames
        self.values = values
    }

    public var count: Int { values.count }

    /// The value at a column index (from 0); traps when out of range, as arrays do.
    public subscript(index: Int) -> SQLValue { values[index] }

    /// The value of the first column with this name, or nil when there is none.
    public subscript(name: String) -> SQLValue? {
        columnNames.firstIndex(of: name).map { values[$0] }
    }

    private func value(at index: Int) -> SQLValue? {
        values.indices.contains(index) ? values[index] : nil
    }

    public func int64(_ index: Int) -> Int64? { value(at: index)?.int64Value }
    public func int64(_ name: String) -> Int64? { self[name]?.int64Value }
    public func int(_ index: Int) -> Int? { int64(index).flatMap { Int(exactly: $0) } }
    public func int(_ name: String) -> Int? { int64(name).flatMap { Int(exactly: $0) } }
    public func double(_ index: Int) -> Double? { value(at: index)?.doubleValue }
    public func double(_ name: String) -> Double? { self[name]?.doubleValue }
    public func text(_ index: Int) -> String? { value(at: index)?.textValue }
    public func text(_ name: String) -> String? { self[name]?.textValue }
    public func blob(_ index: Int) -> [UInt8]? { value(at: index)?.blobValue }
    public func blob(_ name: String) -> [UInt8]? { self[name]?.blobValue }
}
