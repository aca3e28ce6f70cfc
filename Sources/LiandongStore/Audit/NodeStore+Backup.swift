import Foundation
import LiandongDomain

extension NodeStore {
    /// Writes a consistent copy of the database with SQLite's online backup, while others may write.
    public func backup(to path: String) throws {
        try db.backup(to: path)
    }

    /// Replaces a node's database with a backup. The backup must belong to this node (its public
    /// key matches the key file) and no process may have the database open.
    ///
    /// The restored copy gets a new random `epoch` (its children reset their pull cursors: positions
    /// in its log will be given out again) and the time of the restore. It is prepared beside the
    /// database and renamed over it only when complete, so a failure leaves the node as it was.
    public static func restore(directory: String, from backupPath: String, now: () -> Int64 = NodeStore.systemNow) throws {
        guard FileManager.default.fileExists(atPath: backupPath) else {
            throw StoreError("backup_not_found", "找不到备份文件 \(backupPath)")
        }
        let key = try KeyFile.read(from: directory)
        let backup: Database
        do {
            backup = try Database(path: backupPath, readOnly: true)
        } catch {
            throw StoreError("backup_unreadable", "备份文件 \(backupPath) 不是有效的 liandong 数据库：\(error)")
        }
        let owner = try? backup.query("SELECT code, public_key FROM node WHERE id = 1").first
        guard let publicKey = owner?.blob("public_key") else {
            throw StoreError("backup_unreadable", "备份文件 \(backupPath) 不是有效的 liandong 数据库")
        }
        guard publicKey == key.publicKey else {
            throw StoreError("backup_foreign", "备份文件属于节点 \(owner?.text("code") ?? "?")，与本数据目录的密钥不符")
        }
        let dbPath = directory + "/" + databaseName
        let staging = FileSystem.temporarySibling(of: dbPath)
        do {
            try Database.restore(from: backupPath, to: staging)
            try prepareRestoredCopy(at: staging, now: now)
            for sidecar in FileSystem.sidecars(of: staging) { try FileSystem.remove(sidecar) }
            for sidecar in FileSystem.sidecars(of: dbPath) { try FileSystem.remove(sidecar) }
            try FileSystem.replace(dbPath, with: staging)
        } catch {
            for file in [staging] + FileSystem.sidecars(of: staging) { try? FileSystem.remove(file) }
            throw error
        }
    }

    /// Brings a restored copy to this binary's schema, gives it a new epoch and notes the restore,
    /// then leaves it as one self-contained file (no -wal beside it) ready to be renamed into place.
    static func prepareRestoredCopy(at path: String, now: () -> Int64) throws {
        let db = try Database(path: path)
        try Schema.migrator.migrate(db)
        try db.write { db in
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('epoch', ?)", .text(Hex.encode(try secureRandomBytes(16))))
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('restored_at', ?)", .text(String(now())))
        }
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        guard try db.query("PRAGMA journal_mode=DELETE").first?.text(0)?.lowercased() == "delete" else {
            throw StoreError("restore_failed", "恢复的副本 \(path) 无法写回单一文件，节点保持原样")
        }
    }
}
