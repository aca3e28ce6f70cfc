import LiandongDomain

extension NodeStore {
    /// The version of the running binary (`liandong version`), set by the executable at start.
    /// Recorded in the database whenever this binary migrates it, so that an older binary that
    /// meets migrations it does not know can say which version it needs instead of failing vaguely.
    nonisolated(unsafe) public static var softwareVersion: String?

    /// Runs the migrations; an older binary gets `database_too_new` naming the version that upgraded it.
    static func migrate(_ db: Database) throws {
        let before: [String]
        do {
            before = try Schema.migrator.appliedMigrations(db)
            try Schema.migrator.migrate(db)
        } catch MigrationError.unknown(let name) {
            let newer = try? db.query("SELECT value FROM settings WHERE key = 'software_version'").first?.text(0)
            let mine = softwareVersion ?? "?"
            let needed = newer.map { "liandong \($0) 或更新的版本" } ?? "更新版本的 liandong"
            throw StoreError(
                "database_too_new",
                "数据库已被\(newer.map { "liandong \($0)" } ?? "更新版本的 liandong")升级（含本程序不认识的迁移 \(name)），本程序 liandong \(mine) 不能使用它：请安装 \(needed)",
                details: ["needs": newer ?? "", "migration": name, "version": mine])
        }
        guard let version = softwareVersion else { return }
        let after = try Schema.migrator.appliedMigrations(db)
        let recorded = try db.query("SELECT value FROM settings WHERE key = 'software_version'").first?.text(0)
        if after.count != before.count || recorded == nil {
            try db.write { db in
                try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('software_version', ?)", .text(version))
            }
        }
    }
}
