import CSQLite

/// SQLITE_TRANSIENT, which Swift does not import: SQLite copies the bytes before the bind returns.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Statement is one prepared SQLite statement, finalized in deinit; not Sendable, like its connection.
///
/// Numbering follows SQLite's C API: parameters from 1 (as `?1` in SQL), columns from 0.
/// Column accessors coerce as `sqlite3_column_*` do (NULL reads as 0, "" or []); use `isNull(_:)`
/// or `value(_:)` to tell NULL apart.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    /// Keeps an uncached statement's connection open while the statement lives. Nil for cached
    /// statements: their connection owns them, and a reference back would be a cycle.
    private let connection: Database?
    /// Set while a Database helper steps this statement, so that a nested helper running the same
    /// SQL prepares a fresh statement instead of resetting this one under its feet.
    var isInUse = false

    init(database: Database, sql: String, cached: Bool) throws {
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let flags = cached ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, flags, &statement, &tail)
        guard rc == SQLITE_OK else {
            throw SQLiteError(connection: database.handle, code: rc, sql: sql)
        }
        guard let statement else {
            throw SQLiteError.misuse("no SQL statement to prepare", sql: sql)
        }
        // SQLite prepares only the first statement; silently dropping the rest would hide bugs.
        if let tail, Self.hasStatement(tail, in: database.handle) {
            sqlite3_finalize(statement)
            throw SQLiteError.misuse("more than one statement: prepare takes one, execute(_:) takes several", sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.connection = cached ? nil : database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    private static func hasStatement(_ text: UnsafePointer<CChar>, in connection: OpaquePointer) -> Bool {
        var rest = text
        while rest.pointee == 0x20 || rest.pointee == 0x0A || rest.pointee == 0x09 || rest.pointee == 0x0D {
            rest += 1
        }
        guard rest.pointee != 0 else { return false }
        // Comments and semicolons prepare to no statement at all.
        var extra: OpaquePointer?
        sqlite3_prepare_v2(connection, rest, -1, &extra, nil)
        defer { sqlite3_finalize(extra) }
        return extra != nil
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else {
            throw SQLiteError(connection: sqlite3_db_handle(handle), code: rc, sql: sql)
        }
    }

    private func parameter(_ index: Int) -> Int32 { Int32(clamping: index) }
}

// MARK: - Binding

extension Statement {
    /// The number of `?` parameters the SQL declares.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    public func bind(_ value: Int64, at index: Int) throws {
        try check(sqlite3_bind_int64(handle, parameter(index), value))
    }

    public func bind(_ value: Int, at index: Int) throws {
        try bind(Int64(value), at: index)
    }

    public func bind(_ value: Double, at index: Int) throws {
        try check(sqlite3_bind_double(handle, parameter(index), value))
    }

    /// Binds text with its explicit UTF-8 length, so that an embedded NUL is kept.
    public func bind(_ value: String, at index: Int) throws {
        var value = value
        let rc = value.withUTF8 { bytes -> Int32 in
            // A NULL pointer would bind SQL NULL, not the empty string.
            guard let base = bytes.baseAddress else {
                return sqlite3_bind_text64(handle, parameter(index), "", 0, sqliteTransient, UInt8(SQLITE_UTF8))
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text64(handle, parameter(index), $0, UInt64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
            }
        }
        try check(rc)
    }

    /// Binds UTF-8 bytes as text (the caller vouches they are UTF-8: text this node encoded).
    public func bindText(_ value: ArraySlice<UInt8>, at index: Int) throws {
        let rc = value.withUnsafeBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress else {
                return sqlite3_bind_text64(handle, parameter(index), "", 0, sqliteTransient, UInt8(SQLITE_UTF8))
            }
            return sqlite3_bind_text64(handle, parameter(index), base.assumingMemoryBound(to: CChar.self), UInt64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
        }
        try check(rc)
    }

    public func bind(_ value: [UInt8], at index: Int) throws {
        let rc = value.withUnsafeBytes { bytes -> Int32 in
            // A NULL pointer would bind SQL NULL; an empty blob is a zero-length zeroblob.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(handle, parameter(index), 0)
            }
            return sqlite3_bind_blob64(handle, parameter(index), base, UInt64(bytes.count), sqliteTransient)
        }
        try check(rc)
    }

    public func bindNull(at index: Int) throws {
        try check(sqlite3_bind_null(handle, parameter(index)))
    }

    public func bind(_ value: SQLValue, at index: Int) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        }
    }

    /// Binds every parameter in order; the count must match the SQL's parameters.
    public func bind(_ values: [SQLValue]) throws {
        guard values.count == parameterCount else {
            throw SQLiteError(
                extendedCode: .range,
                message: "\(values.count) arguments for \(parameterCount) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }
}

// MARK: - Stepping

extension Statement {
    /// Runs to the next row: true when a row is ready, false when the statement is done.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(connection: sqlite3_db_handle(handle), code: rc, sql: sql)
        }
    }

    /// Steps to the end, ignoring any rows, then resets.
    public func run() throws {
        defer { reset() }
        while try step() {}
    }

    /// Rewinds to before the first row, keeping the bindings, and ends any read it was holding open.
    /// The failed step's error was already thrown, so the code reset repeats is dropped.
    public func reset() {
        sqlite3_reset(handle)
    }
}

// MARK: - Columns

extension Statement {
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String {
        guard let name = sqlite3_column_name(handle, Int32(clamping: index)) else { return "" }
        return String(cString: name)
    }

    /// All column names, read afresh: a schema change may re-prepare the statement with new ones.
    public var columnNames: [String] { (0..<columnCount).map(columnName) }

    public func isNull(_ index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(clamping: index)) == SQLITE_NULL
    }

    public func int64(_ index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(clamping: index))
    }

    public func double(_ index: Int) -> Double {
        sqlite3_column_double(handle, Int32(clamping: index))
    }

    /// The text with its stored length, so that an embedded NUL is kept.
    public func text(_ index: Int) -> String {
        let column = Int32(clamping: index)
        // column_text first, then column_bytes: the order sqlite3.h asks for.
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Appends the column's text bytes as stored, without making a String.
    public func appendText(_ index: Int, to out: inout [UInt8]) {
        let column = Int32(clamping: index)
        guard let bytes = sqlite3_column_text(handle, column) else { return }
        out.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))))
    }

    public func blob(_ index: Int) -> [UInt8] {
        let column = Int32(clamping: index)
        // A zero-length blob comes back as a NULL pointer.
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column's value in its stored type.
    public func value(_ index: Int) -> SQLValue {
        switch sqlite3_column_type(handle, Int32(clamping: index)) {
        case SQLITE_INTEGER: .integer(int64(index))
        case SQLITE_FLOAT: .real(double(index))
        case SQLITE3_TEXT: .text(text(index))
        case SQLITE_BLOB: .blob(blob(index))
        default: .null
        }
    }

    /// The current row, with its column names.
    public func row() -> Row {
        row(columnNames: columnNames)
    }

    /// The current row, reusing names read once per run of the statement.
    func row(columnNames: [String]) -> Row {
        Row(columnNames: columnNames, values: (0..<columnNames.count).map(value))
    }
}
