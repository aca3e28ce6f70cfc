import Foundation
import LiandongDomain

extension NodeStore {
    /// Writes a consistent copy of the database with SQLite's online backup, while others may write.
    public func backup(to path: String) throws {
        try db.backup(to: path)
    }

    /// Replaces a node's database with a backup. The backup must belong to this node (its public
    /// key matches the key file) and no process may have the database open.
    public static func restore(directory: String, from backupPath: String) throws {
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
        try Database.restore(from: backupPath, to: directory + "/" + databaseName)
    }
}
