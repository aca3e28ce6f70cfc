/// Migration is one named schema step: SQL or a closure, applied once, in its place in the list.
public struct Migration: Sendable {
    public let name: String
    let apply: @Sendable (Database) throws -> Void

    /// A migration of one or more SQL statements.
    public init(_ name: String, sql: String) {
        self.name = name
        self.apply = { db in try db.execute(sql) }
    }

    /// A migration that needs code (data rewrites, checks).
    public init(_ name: String, apply: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.apply = apply
    }
}

/// MigrationError is a list of migrations that does not fit the database it is run on.
public enum MigrationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The database records a migration this binary does not know: it comes from a newer version.
    case unknown(name: String)
    /// A migration in the list was never applied, but a later one was.
    case outOfOrder(missing: String, laterApplied: String)
    /// Two migrations in the list share a name.
    case duplicate(name: String)

    public var description: String {
        switch self {
        case .unknown(let name):
            "database has migration \(name), unknown to this version: it was written by a newer version"
        case .outOfOrder(let missing, let later):
            "migration \(missing) was never applied but the later \(later) was: migrations must only be appended"
        case .duplicate(let name):
            "migration name \(name) is used twice"
        }
    }
}

/// Migrator applies migrations in order, each in its own write, recording each in `migrations`.
///
/// The applied ones must be a prefix of the list: the list is append-only, and anything else means
/// the database and the binary disagree about the schema, which is safer to stop on than to guess.
public struct Migrator: Sendable {
    public var migrations: [Migration]

    public init(_ migrations: [Migration] = []) {
        self.migrations = migrations
    }

    public func migrate(_ db: Database) throws {
        var seen = Set<String>()
        for migration in migrations where !seen.insert(migration.name).inserted {
            throw MigrationError.duplicate(name: migration.name)
        }
        try db.execute("CREATE TABLE IF NOT EXISTS migrations(name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let applied = try appliedMigrations(db)
        try check(applied)
        guard applied.count < migrations.count else { return }
        for migration in migrations {
            try db.write { db in
                // Checked again inside the write: another process may have migrated meanwhile.
                let applied = try appliedMigrations(db)
                try check(applied)
                guard !applied.contains(migration.name) else { return }
                try migration.apply(db)
                try db.run(
                    "INSERT INTO migrations(name, applied_at) VALUES (?, CAST(strftime('%s', 'now') AS INTEGER))",
                    .text(migration.name))
            }
        }
    }

    /// Names of the migrations the database records, in the order they were applied.
    public func appliedMigrations(_ db: Database) throws -> [String] {
        let exists = try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
        guard exists == 1 else { return [] }
        return try db.query("SELECT name FROM migrations ORDER BY applied_at, rowid").compactMap { $0.text(0) }
    }

    /// Throws unless applied is a prefix of the list.
    private func check(_ applied: [String]) throws {
        let known = Set(migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw MigrationError.unknown(name: unknown)
        }
        let appliedSet = Set(applied)
        let prefix = migrations.prefix(applied.count)
        if let missing = prefix.first(where: { !appliedSet.contains($0.name) }),
            let later = migrations.dropFirst(applied.count).first(where: { appliedSet.contains($0.name) })
        {
            throw MigrationError.outOfOrder(missing: missing.name, laterApplied: later.name)
        }
    }
}
