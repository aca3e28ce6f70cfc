import CSQLite

/// Database is one SQLite connection, closed in deinit; used from one thread or queue at a time.
///
/// Opened with NOMUTEX (SQLite's own mutex is redundant when a connection is never shared), extended
/// result codes, WAL, foreign keys and a bounded busy timeout. Not Sendable: open one per thread.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    public let isReadOnly: Bool
    /// How long a blocked lock is retried before SQLITE_BUSY; also bounds backup's retries.
    public let busyTimeoutMilliseconds: Int32
    private var statementCache: [String: Statement] = [:]

    /// Past this many cached statements the cache is emptied: SQL built at run time must not grow it
    /// without bound, and the store's fixed statements are re-prepared once.
    static let statementCacheLimit = 256

    /// Synchronous is `PRAGMA synchronous`: FULL syncs the WAL on every commit, so an acknowledged
    /// write survives power loss; NORMAL may lose the last commits (never corrupts) in WAL mode.
    public enum Synchronous: String, Sendable {
        case off = "OFF"
        case normal = "NORMAL"
        case full = "FULL"
        case extra = "EXTRA"
    }

    public init(
        path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5000,
        synchronous: Synchronous = .full
    ) throws {
        let flags = SQLITE_OPEN_NOMUTEX | (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var opened: OpaquePointer?
        let rc = sqlite3_open_v2(path, &opened, flags, nil)
        guard let connection = opened else {
            throw SQLiteError(extendedCode: .noMemory, message: "sqlite3_open_v2 returned no connection for \(path)")
        }
        do {
            guard rc == SQLITE_OK else {
                throw SQLiteError(connection: connection, code: sqlite3_extended_errcode(connection), sql: nil)
            }
            try Self.configure(
                connection, path: path, readOnly: readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds,
                synchronous: synchronous)
        } catch {
            // Configured before self exists, so that a failure closes the handle exactly once.
            sqlite3_close_v2(connection)
            throw error
        }
        self.handle = connection
        self.path = path
        self.isReadOnly = readOnly
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    deinit {
        statementCache.removeAll()
        // close_v2: a statement still held elsewhere keeps the handle alive until it is finalized.
        sqlite3_close_v2(handle)
    }

    private static func configure(
        _ connection: OpaquePointer, path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32,
        synchronous: Synchronous
    ) throws {
        sqlite3_extended_result_codes(connection, 1)
        // Set first: switching to WAL itself may wait for another connection's lock.
        sqlite3_busy_timeout(connection, max(0, busyTimeoutMilliseconds))
        try exec(connection, "PRAGMA foreign_keys=ON")
        try exec(connection, "PRAGMA synchronous=\(synchronous.rawValue)")
        // SQLite's default page cache is 2 MiB: once a county's log outgrows it, every index
        // seek of an ingest (routes, chain heads, case rows) becomes a read from the OS. 32 MiB
        // holds the hot part of the indexes of a million-change store; it is an upper bound,
        // taken only as pages are read.
        try exec(connection, "PRAGMA cache_size=-\(Database.cacheKiB)")
        // A read-only connection cannot change the journal mode; it follows the file's.
        guard !readOnly else { return }
        let sql = "PRAGMA journal_mode=WAL"
        let mode = try pragmaText(connection, sql)?.lowercased()
        let inMemory = path.isEmpty || path == ":memory:"
        guard mode == "wal" || (inMemory && mode == "memory") else {
            throw SQLiteError(
                extendedCode: .error, message: "journal_mode is \(mode ?? "unknown"), expected wal", sql: sql)
        }
    }

    /// The page cache of each connection, in KiB.
    static let cacheKiB = 32 * 1024

    static func exec(_ connection: OpaquePointer, _ sql: String) throws {
        let rc = sqlite3_exec(connection, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(connection: connection, code: rc, sql: sql) }
    }

    /// The first column of the first row, as text, on a bare handle (before a Database exists).
    private static func pragmaText(_ connection: OpaquePointer, _ sql: String) throws -> String? {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(connection: connection, code: rc, sql: sql)
        }
        let step = sqlite3_step(statement)
        guard step == SQLITE_ROW else {
            if step == SQLITE_DONE { return nil }
            throw SQLiteError(connection: connection, code: step, sql: sql)
        }
        return sqlite3_column_text(statement, 0).map { String(cString: $0) }
    }
}

extension Database {
    /// Rows this connection has inserted, updated or deleted since it opened (its own writes only,
    /// committed or not): an in-memory counter, so that a caller can tell cheaply that it wrote.
    public var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// Runs one or more statements separated by semicolons, without arguments (schema, pragmas).
    public func execute(_ sql: String) throws {
        try Self.exec(handle, sql)
    }

    /// A new statement, owned by the caller; for SQL run once or kept by the caller.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql, cached: false)
    }

    /// The connection's statement for this SQL, reset with bindings cleared: prepared once, reused.
    ///
    /// The statement is shared: do not keep stepping one while asking for the same SQL again.
    /// It must not be used after its Database is gone.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        if statementCache.count >= Self.statementCacheLimit {
            statementCache.removeAll()
        }
        let statement = try Statement(database: self, sql: sql, cached: true)
        statementCache[sql] = statement
        return statement
    }

    /// Runs body with the cached statement for sql, or a fresh one when a caller up the stack is
    /// still stepping the cached one; resets it afterwards so that no read is left open.
    func withStatement<T>(_ sql: String, _ body: (Statement) throws -> T) throws -> T {
        let statement: Statement
        if let cached = statementCache[sql], cached.isInUse {
            statement = try prepare(sql)
        } else {
            statement = try cachedStatement(sql)
        }
        statement.isInUse = true
        defer {
            statement.isInUse = false
            statement.reset()
        }
        return try body(statement)
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    public var changes: Int64 { sqlite3_changes64(handle) }

    /// True between BEGIN and COMMIT/ROLLBACK.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
