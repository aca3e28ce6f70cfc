import Foundation
import LiandongDomain

/// BackupSummary is what a backup file says about itself once checked: whose it is and what it holds.
public struct BackupSummary: Sendable {
    public var code: String
    public var role: String
    public var name: String
    public var publicKey: String
    public var createdAt: Int64
    public var software: String
    public var encrypted: Bool
    public var files: [String]
    public var changes: Int64
    public var cases: Int64

    public var json: JSONValue {
        [
            "code": .string(code), "role": .string(role), "name": .string(name), "publicKey": .string(publicKey),
            "createdAt": .int(createdAt), "software": .string(software), "encrypted": .bool(encrypted),
            "files": .strings(files), "changes": .int(changes), "cases": .int(cases),
        ]
    }
}

extension NodeStore {
    /// Writes one backup file holding everything this node needs on a new PC: a consistent copy of
    /// the database (SQLite's online backup, one snapshot while `serve` writes), the node key, the
    /// attachments directory when there is one, and a manifest. Encrypted when given a passphrase.
    public func writeBackupFile(to path: String, passphrase: [UInt8]?, software: String, cost: PassphraseCipher.Cost = .init()) throws {
        let snapshot = FileSystem.temporarySibling(of: path) + ".sqlite"
        defer { for file in [snapshot] + FileSystem.sidecars(of: snapshot) { try? FileSystem.remove(file) } }
        // The snapshot holds personal data too: create it 0600 before SQLite writes into it.
        let descriptor = Foundation.open(snapshot, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("backup_write_failed", "无法在 \(path) 旁创建临时文件：\(String(cString: strerror(errno)))")
        }
        Foundation.close(descriptor)
        try db.backup(to: snapshot)
        let changes = try db.scalarInt("SELECT count(*) FROM changes") ?? 0
        let manifest: JSONValue = [
            "format": .int(Int64(BackupFormat.version)), "code": .string(identity.code), "role": .string(identity.role.rawValue),
            "name": .string(identity.name), "publicKey": .string(Hex.encode(identity.publicKey)), "createdAt": .int(now()),
            "software": .string(software), "changes": .int(changes),
        ]
        let writer = try BackupWriter(path: path, passphrase: passphrase, cost: cost)
        try writer.add(name: BackupFormat.manifestName, bytes: Array(manifest.canonicalString.utf8))
        try writer.add(name: BackupFormat.databaseName, file: snapshot)
        try writer.add(name: BackupFormat.keyName, file: directory + "/" + KeyFile.name)
        for (name, file) in try Self.attachmentFiles(in: directory) { try writer.add(name: name, file: file) }
        try writer.finish()
    }

    /// The files under DIR/attachments, as backup names and paths, in a stable order.
    static func attachmentFiles(in directory: String) throws -> [(String, String)] {
        let root = directory + "/" + BackupFormat.attachmentsDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            let path = root + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append((BackupFormat.attachmentsDirectory + "/" + relative, path))
            }
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// Proves a backup restorable without restoring it: unpacks it into a scratch directory,
    /// checks the hash (and tag), runs quick_check on the database, checks that the key is the
    /// one the database names, and opens it with this binary's migrations; then removes the scratch.
    public static func checkBackupFile(_ path: String, passphrase: [UInt8]?, scratchParent: String? = nil) throws -> BackupSummary {
        let parent = scratchParent ?? (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")
        let scratch = parent + "/liandong-check-" + Hex.encode(try secureRandomBytes(8))
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let summary = try unpack(path, passphrase: passphrase, into: scratch)
        // Opening runs the migrations and checks the key against the database, as serve would.
        _ = try NodeStore.open(directory: scratch)
        return summary
    }

    /// Unpacks and checks a backup into an empty directory; the summary comes from the manifest.
    static func unpack(_ path: String, passphrase: [UInt8]?, into scratch: String) throws -> BackupSummary {
        let reader = try BackupReader(path: path, passphrase: passphrase)
        let files = try reader.extract(into: scratch)
        for required in [BackupFormat.manifestName, BackupFormat.databaseName, BackupFormat.keyName] where !files.contains(required) {
            throw StoreError("backup_incomplete", "备份文件 \(path) 缺少 \(required)")
        }
        guard let manifestData = FileManager.default.contents(atPath: scratch + "/" + BackupFormat.manifestName),
            case .object(let manifest)? = try? JSONParser.parse([UInt8](manifestData)),
            case .string(let code)? = manifest["code"], case .string(let publicKey)? = manifest["publicKey"]
        else {
            throw StoreError("backup_damaged", "备份文件 \(path) 的清单无法读取")
        }
        try FileManager.default.removeItem(atPath: scratch + "/" + BackupFormat.manifestName)
        let database = try Database(path: scratch + "/" + BackupFormat.databaseName, readOnly: true)
        let problems = try database.integrityCheck()
        guard problems.isEmpty else {
            throw StoreError("backup_damaged", "备份中的数据库未通过完整性检查：\(problems.prefix(3).joined(separator: "; "))")
        }
        guard let row = try database.query("SELECT code, public_key FROM node WHERE id = 1").first, row.text("code") == code,
            let stored = row.blob("public_key"), Hex.encode(stored) == publicKey
        else {
            throw StoreError("backup_damaged", "备份中的数据库与清单不符（节点 \(code)）")
        }
        let key = try KeyFile.read(from: scratch)
        guard key.publicKey == stored else { throw StoreError("backup_damaged", "备份中的私钥与数据库中节点 \(code) 的公钥不符") }
        let changes = try database.scalarInt("SELECT count(*) FROM changes") ?? 0
        let cases = try database.scalarInt("SELECT count(*) FROM cases") ?? 0
        func text(_ key: String) -> String { if case .string(let value)? = manifest[key] { return value } else { return "" } }
        func number(_ key: String) -> Int64 { if case .int(let value)? = manifest[key] { return value } else { return 0 } }
        return BackupSummary(
            code: code, role: text("role"), name: text("name"), publicKey: publicKey, createdAt: number("createdAt"),
            software: text("software"), encrypted: reader.encrypted, files: files, changes: changes, cases: cases)
    }

    /// Restores a node from a backup file into directory: an empty or missing directory (a new PC)
    /// gets the node back, key and all; a directory already holding a node accepts only a backup
    /// of that same node. The caller holds the directory's NodeLock. Everything is unpacked and
    /// checked beside the data first and moved in only when complete; the restored database gets
    /// a new epoch, so children and parent heal the gap (sync.md, restore).
    public static func restoreBackupFile(
        directory: String, from path: String, passphrase: [UInt8]?, now: () -> Int64 = NodeStore.systemNow
    ) throws -> BackupSummary {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let staging = directory + "/.restore-" + Hex.encode(try secureRandomBytes(8))
        try manager.createDirectory(atPath: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? manager.removeItem(atPath: staging) }
        let summary = try unpack(path, passphrase: passphrase, into: staging)
        let keyPath = directory + "/" + KeyFile.name
        let dbPath = directory + "/" + databaseName
        if manager.fileExists(atPath: keyPath) {
            let present = try KeyFile.read(from: directory)
            guard Hex.encode(present.publicKey) == summary.publicKey else {
                throw StoreError("backup_foreign", "备份属于节点 \(summary.code)，与数据目录 \(directory) 中的节点密钥不符；请恢复到一个空目录")
            }
        } else if manager.fileExists(atPath: dbPath) {
            throw StoreError("restore_refused", "数据目录 \(directory) 有数据库却没有私钥，无法判断归属；请恢复到一个空目录")
        }
        let stagedDB = staging + "/" + BackupFormat.databaseName
        try prepareRestoredCopy(at: stagedDB, now: now)
        for sidecar in FileSystem.sidecars(of: dbPath) { try FileSystem.remove(sidecar) }
        if !manager.fileExists(atPath: keyPath) { try FileSystem.replace(keyPath, with: staging + "/" + BackupFormat.keyName) }
        try FileSystem.replace(dbPath, with: stagedDB)
        let stagedAttachments = staging + "/" + BackupFormat.attachmentsDirectory
        if manager.fileExists(atPath: stagedAttachments) {
            let attachments = directory + "/" + BackupFormat.attachmentsDirectory
            let old = staging + "/old-attachments"
            if manager.fileExists(atPath: attachments) { try manager.moveItem(atPath: attachments, toPath: old) }
            try manager.moveItem(atPath: stagedAttachments, toPath: attachments)
        }
        return summary
    }

    /// Whether a file is a bare SQLite database (a backup from before backup files existed).
    public static func isBareDatabase(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 16)).map { Array($0) == Array("SQLite format 3\0".utf8) } ?? false
    }
}
