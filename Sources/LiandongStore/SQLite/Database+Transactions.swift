import CSQLite

/// Transactions: `write` in BEGIN IMMEDIATE, `read` in a deferred transaction.
///
/// Nested writes are rejected rather than turned into SAVEPOINTs: a write's end is where its data
/// becomes durable and visible to sync, and that boundary must be visible in the code. Functions
/// that must run inside a write take the Database and are called from the body.
extension Database {
    /// Runs body in `BEGIN IMMEDIATE … COMMIT`; any throw rolls everything back and is rethrown.
    ///
    /// IMMEDIATE takes the write lock up front, waiting up to the busy timeout: a deferred
    /// transaction that upgrades later can fail with SQLITE_BUSY at once, without waiting, in WAL.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !isInTransaction else {
            throw SQLiteError.misuse(
                "write(_:) inside a transaction: nested writes are rejected; call the inner code with this Database")
        }
        try withStatement("BEGIN IMMEDIATE") { try $0.run() }
        return try finish(body)
    }

    /// Runs body in a deferred transaction, so that all its queries see one snapshot.
    ///
    /// Inside another transaction body simply runs in it. A body that writes is an error.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        if isInTransaction { return try body(self) }
        try withStatement("BEGIN DEFERRED") { try $0.run() }
        return try finish(body, readOnly: true)
    }

    private func finish<T>(_ body: (Database) throws -> T, readOnly: Bool = false) throws -> T {
        do {
            let result = try body(self)
            guard isInTransaction else {
                throw SQLiteError.misuse("the transaction was ended inside its body (COMMIT or ROLLBACK in body)")
            }
            if readOnly && sqlite3_txn_state(handle, nil) == SQLITE_TXN_WRITE {
                throw SQLiteError.misuse("read(_:) body wrote to the database: use write(_:)")
            }
            try withStatement("COMMIT") { try $0.run() }
            return result
        } catch {
            rollbackKeepingFirstError()
            throw error
        }
    }

    /// Rolls back if a transaction is still open. Its own failure is dropped: the caller rethrows the
    /// error that caused the rollback. Some errors (IOERR, FULL, BUSY) end the transaction already.
    private func rollbackKeepingFirstError() {
        guard isInTransaction else { return }
        _ = try? withStatement("ROLLBACK") { try $0.run() }
    }
}
