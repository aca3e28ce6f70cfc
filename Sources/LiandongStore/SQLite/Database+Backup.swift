import CSQLite

/// Backup, restore and integrity checks: online copies that stay consistent while others write.
extension Database {
    /// Copies this database to path with the online backup API, atomically replacing any file there.
    ///
    /// The copy runs inside a read transaction on this connection, so it is one snapshot: commits by
    /// other connections neither restart it (as they would between unheld steps) nor leak into it.
    /// It writes to a temporary file beside path and renames it into place only when complete.
    public func backup(to path: String, pagesPerStep: Int32 = 1024) throws {
        guard sqlite3_txn_state(handle, nil) != SQLITE_TXN_WRITE else {
            throw SQLiteError.misuse("backup(to:) inside a write transaction would copy uncommitted changes")
        }
        try copy(replacing: path, pagesPerStep: pagesPerStep)
    }

    /// Replaces the database at dbPath with the one at backupPath, after checking the backup.
    ///
    /// The caller must ensure no process has dbPath open: a connection still open on the old file
    /// would keep writing to it, or corrupt the new one through its WAL. The backup is checked with
    /// quick_check, copied beside dbPath with the backup API (so anything still in the backup's own
    /// WAL comes along), then renamed in place after the old -wal, -shm and -journal are removed.
    public static func restore(from backupPath: String, to dbPath: String) throws {
        // Read-only, not created: a missing backup must fail, not restore an empty database.
        let source = try Database(path: backupPath, readOnly: true)
        let problems = try source.integrityCheck()
        guard problems.isEmpty else {
            throw SQLiteError(
                extendedCode: .corrupt,
                message: "backup \(backupPath) fails quick_check: \(problems.prefix(5).joined(separator: "; "))")
        }
        // An empty file opens as an empty database and passes quick_check.
        guard let pages = try source.scalarInt("PRAGMA page_count"), pages > 0 else {
            throw SQLiteError(extendedCode: .notADatabase, message: "backup \(backupPath) is empty")
        }
        try source.copy(replacing: dbPath, pagesPerStep: 1024)
    }

    /// Problems `PRAGMA quick_check` finds; empty when the database is fine.
    public func integrityCheck() throws -> [String] {
        let messages = try query("PRAGMA quick_check").compactMap { $0.text(0) }
        return messages == ["ok"] ? [] : messages
    }

    /// Copies this database to a temporary file beside path, then renames it over path.
    ///
    /// The old file's -wal, -shm and -journal go first: left behind, SQLite would replay them into
    /// the new file. A crash between the two steps loses only the old file's unsaved WAL.
    private func copy(replacing path: String, pagesPerStep: Int32) throws {
        let temporary = FileSystem.temporarySibling(of: path)
        do {
            try copy(to: temporary, pagesPerStep: pagesPerStep)
            for sidecar in FileSystem.sidecars(of: path) { try FileSystem.remove(sidecar) }
            try FileSystem.replace(path, with: temporary)
        } catch {
            for file in [temporary] + FileSystem.sidecars(of: temporary) { try? FileSystem.remove(file) }
            throw error
        }
    }

    /// Copies this database into a new file at path, one snapshot, pagesPerStep pages at a time.
    private func copy(to path: String, pagesPerStep: Int32) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &opened, flags, nil)
        guard let destination = opened else {
            throw SQLiteError(extendedCode: .noMemory, message: "sqlite3_open_v2 returned no connection for \(path)")
        }
        guard rc == SQLITE_OK else {
            let error = SQLiteError(connection: destination, code: sqlite3_extended_errcode(destination), sql: nil)
            sqlite3_close_v2(destination)
            throw error
        }
        sqlite3_extended_result_codes(destination, 1)
        do {
            try Self.exec(destination, "PRAGMA synchronous=FULL")
            try read { database in
                // The backup opens its own read per step unless one is already open: start it now.
                _ = try database.scalarInt("SELECT count(*) FROM sqlite_master")
                try database.copyPages(into: destination, pagesPerStep: pagesPerStep)
            }
            // The copy carries the source's WAL flag; a rollback-journal file is one self-contained
            // file that opens read-only without creating -wal and -shm beside it. Opening it with
            // Database turns WAL back on.
            try Self.exec(destination, "PRAGMA journal_mode=DELETE")
        } catch {
            sqlite3_close_v2(destination)
            throw error
        }
        // Closing commits nothing new; its failure would mean the file may be incomplete.
        let closed = sqlite3_close(destination)
        guard closed == SQLITE_OK else {
            throw SQLiteError(extendedCode: .init(rawValue: closed), message: "closing backup \(path) failed")
        }
    }

    private func copyPages(into destination: OpaquePointer, pagesPerStep: Int32) throws {
        guard let backup = sqlite3_backup_init(destination, "main", handle, "main") else {
            throw SQLiteError(connection: destination, code: sqlite3_extended_errcode(destination), sql: nil)
        }
        var waitedMilliseconds: Int32 = 0
        var rc = SQLITE_OK
        repeat {
            rc = sqlite3_backup_step(backup, max(1, pagesPerStep))
            let primary = rc & 0xFF
            // A lock held elsewhere: wait briefly and retry, for at most the busy timeout.
            if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
                guard waitedMilliseconds < busyTimeoutMilliseconds else { break }
                sqlite3_sleep(5)
                waitedMilliseconds += 5
                rc = SQLITE_OK
            }
        } while rc == SQLITE_OK
        // backup_finish reports the step's error too; errors are recorded on the destination.
        let finished = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finished == SQLITE_OK else {
            let code = rc == SQLITE_DONE ? finished : rc
            throw SQLiteError(
                extendedCode: .init(rawValue: code),
                message: "backup: " + String(cString: sqlite3_errmsg(destination)), sql: nil)
        }
    }
}
