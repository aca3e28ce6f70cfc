import CSQLite

/// SQLiteError is a failed SQLite call: its result code, SQLite's message and the SQL being run.
///
/// Match it by property (`error.isBusy`), by switching on `error.code`, or directly in `catch`:
/// `catch SQLiteError.Code.constraint { … }` matches any constraint error, and
/// `catch SQLiteError.Code.constraintUnique { … }` only that extended code.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code, as returned with extended result codes on.
    public let extendedCode: Code
    /// What went wrong, from `sqlite3_errmsg` or from this layer for misuse it detects itself.
    public let message: String
    /// The SQL being run, when there was some.
    public let sql: String?

    public init(extendedCode: Code, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low 8 bits of the extended code): switch on this.
    public var code: Code { extendedCode.primary }

    public var isBusy: Bool { code == .busy }
    public var isLocked: Bool { code == .locked }
    public var isConstraint: Bool { code == .constraint }
    public var isCorrupt: Bool { code == .corrupt || code == .notADatabase }
    public var isMisuse: Bool { code == .misuse }

    public var description: String {
        var text = "SQLite error \(extendedCode.rawValue) (\(extendedCode.name)): \(message)"
        if let sql { text += " — while running: \(sql)" }
        return text
    }
}

extension SQLiteError {
    /// An error for the connection's current state, as SQLite reports it after a failed call.
    init(connection: OpaquePointer, code: Int32, sql: String?) {
        let message = String(cString: sqlite3_errmsg(connection))
        self.init(extendedCode: Code(rawValue: code), message: message, sql: sql)
    }

    /// A misuse this layer detects before SQLite would (nested write, unfinished transaction…).
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(extendedCode: .misuse, message: message, sql: sql)
    }
}

extension SQLiteError {
    /// Code is an SQLite result code, primary (`busy`) or extended (`constraintUnique`).
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// The primary code; extended codes carry it in their low 8 bits.
        public var primary: Code { Code(rawValue: rawValue & 0xFF) }

        /// SQLite's English name for the code (`sqlite3_errstr`).
        public var name: String { String(cString: sqlite3_errstr(rawValue)) }

        /// Matches an error in `catch`: a primary code matches all its extended codes.
        public static func ~= (pattern: Code, error: any Error) -> Bool {
            guard let error = error as? SQLiteError else { return false }
            return pattern == pattern.primary ? error.code == pattern : error.extendedCode == pattern
        }

        public static let ok = Code(rawValue: SQLITE_OK)
        public static let error = Code(rawValue: SQLITE_ERROR)
        public static let `internal` = Code(rawValue: SQLITE_INTERNAL)
        public static let permission = Code(rawValue: SQLITE_PERM)
        public static let abort = Code(rawValue: SQLITE_ABORT)
        public static let busy = Code(rawValue: SQLITE_BUSY)
        public static let locked = Code(rawValue: SQLITE_LOCKED)
        public static let noMemory = Code(rawValue: SQLITE_NOMEM)
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        public static let interrupt = Code(rawValue: SQLITE_INTERRUPT)
        public static let ioError = Code(rawValue: SQLITE_IOERR)
        public static let corrupt = Code(rawValue: SQLITE_CORRUPT)
        public static let full = Code(rawValue: SQLITE_FULL)
        public static let cantOpen = Code(rawValue: SQLITE_CANTOPEN)
        public static let `protocol` = Code(rawValue: SQLITE_PROTOCOL)
        public static let schema = Code(rawValue: SQLITE_SCHEMA)
        public static let tooBig = Code(rawValue: SQLITE_TOOBIG)
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        public static let mismatch = Code(rawValue: SQLITE_MISMATCH)
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        public static let range = Code(rawValue: SQLITE_RANGE)
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)

        // Extended codes worth matching on their own (values from sqlite3.h, which macros hide).
        public static let busySnapshot = Code(rawValue: SQLITE_BUSY | (2 << 8))
        public static let busyTimeout = Code(rawValue: SQLITE_BUSY | (3 << 8))
        public static let constraintCheck = Code(rawValue: SQLITE_CONSTRAINT | (1 << 8))
        public static let constraintForeignKey = Code(rawValue: SQLITE_CONSTRAINT | (3 << 8))
        public static let constraintNotNull = Code(rawValue: SQLITE_CONSTRAINT | (5 << 8))
        public static let constraintPrimaryKey = Code(rawValue: SQLITE_CONSTRAINT | (6 << 8))
        public static let constraintUnique = Code(rawValue: SQLITE_CONSTRAINT | (8 << 8))
    }
}
