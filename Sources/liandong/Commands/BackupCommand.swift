import Foundation
import LiandongDomain
import LiandongStore

/// `liandong backup`, `liandong backup check FILE` and `liandong restore --from FILE`.
enum BackupCommand {
    /// Writes one backup file (database, key, attachments), 0600, encrypted when a passphrase is
    /// configured. Without `--to` it goes to the config's `backup-dir`, named for the node and the
    /// time, and files there older than `backup-keep-days` are removed.
    static func backup(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let target = try context.args.optional("to")
        let directory = try context.args.optional("backup-dir")
        let keepDays = try context.args.int("keep-days") ?? context.config.count("backup-keep-days")
        let passphrase = try readPassphrase(&context)
        try context.args.finish(maxPositionals: 0)
        umask(0o077)
        let path: String
        if let target {
            path = target
        } else if let directory {
            path = directory + "/" + BackupFiles.name(code: store.identity.code, at: store.now())
        } else {
            throw CLIError.usage("缺少 --to FILE（或在配置文件中写 backup-dir = DIR）")
        }
        try store.writeBackupFile(to: path, passphrase: passphrase, software: Help.version)
        var removed: [String] = []
        if let keepDays, let directory, target == nil {
            removed = BackupFiles.prune(directory: directory, code: store.identity.code, keepDays: keepDays, now: store.now())
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var text = "已备份到 \(path)（\(size) 字节\(passphrase == nil ? "，未加密" : "，已加密")）"
        if !removed.isEmpty { text += "\n已删除超过 \(keepDays ?? 0) 天的旧备份 \(removed.count) 个" }
        context.console.emit(
            ["backup": .string(path), "bytes": .int(Int64(size)), "encrypted": .bool(passphrase != nil), "removed": .strings(removed)],
            text: text)
    }

    /// `backup check FILE`: unpacks into a scratch directory and proves every part usable.
    static func check(_ context: inout CommandContext) throws {
        let latest = context.args.flag("latest")
        let directory = try context.args.optional("backup-dir")
        let passphrase = try readPassphrase(&context)
        let dataDirectory = try context.args.optional("data")
        try context.args.finish(maxPositionals: 1)
        let path: String
        if latest {
            // The verify timer proves the newest backup of this node restorable every week.
            guard let directory, let dataDirectory else { throw CLIError.usage("--latest 需要配置 backup-dir 与 data") }
            let code = try NodeStore.open(directory: dataDirectory).identity.code
            guard let newest = BackupFiles.list(directory: directory, code: code).first else {
                throw CLIError(code: "backup_not_found", message: "备份目录 \(directory) 中没有节点 \(code) 的备份")
            }
            path = newest.path
        } else {
            path = try context.args.positional(0, "备份文件路径（或 --latest）")
        }
        let summary = try NodeStore.checkBackupFile(path, passphrase: passphrase)
        let created = Date(timeIntervalSince1970: Double(summary.createdAt) / 1000)
        context.console.emit(
            summary.json,
            text: "备份可以恢复：节点「\(summary.name)」（\(summary.code)），\(summary.changes) 条变更，备份于 \(created)，"
                + (summary.encrypted ? "已加密" : "未加密") + "，文件 \(summary.files.joined(separator: "、"))")
    }

    /// Restores into `--data DIR`: an empty directory on a new PC, or the node's own directory.
    /// Refused while a `serve` holds the directory (NodeLock).
    static func restore(_ context: inout CommandContext) throws {
        let directory = try context.dataDirectory()
        let path = try context.args.required("from", "备份文件路径")
        let passphrase = try readPassphrase(&context)
        try context.args.finish(maxPositionals: 0)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(code: "backup_not_found", message: "找不到备份文件 \(path)")
        }
        umask(0o077)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lock = try NodeLock.acquire(directory: directory, purpose: "恢复备份")
        defer { withExtendedLifetime(lock) {} }
        if NodeStore.isBareDatabase(path) {
            try NodeStore.restore(directory: directory, from: path)
            context.console.emit(["restored": .string(path)], text: "已从 \(path) 恢复数据库；恢复后的变更将在下次同步时补齐。")
            return
        }
        let summary = try NodeStore.restoreBackupFile(directory: directory, from: path, passphrase: passphrase)
        try InitCommand.handOver(directory)
        var document = summary.json
        if case .object(var fields) = document {
            fields["restored"] = .string(path)
            fields["data"] = .string(directory)
            document = .object(fields)
        }
        context.console.emit(
            document,
            text: "已把节点「\(summary.name)」（\(summary.code)）恢复到 \(directory)。启动服务（systemctl start liandong）后，它会向上级取回备份之后的变更，下级也会自动补齐。")
    }

    /// The passphrase: `--passphrase-file FILE` (or `backup-passphrase-file` in the config), else
    /// `LIANDONG_BACKUP_PASSPHRASE`; never an argument, which any user could read in `ps`.
    static func readPassphrase(_ context: inout CommandContext) throws -> [UInt8]? {
        if let file = try context.args.optional("passphrase-file") ?? context.config["backup-passphrase-file"] {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError(code: "passphrase_unreadable", message: "无法读取口令文件 \(file)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            guard text.count >= 8 else { throw CLIError(code: "passphrase_too_short", message: "口令文件 \(file) 中的口令太短（至少 8 个字符）") }
            return Array(text.utf8)
        }
        if let text = ProcessInfo.processInfo.environment["LIANDONG_BACKUP_PASSPHRASE"], !text.isEmpty {
            guard text.count >= 8 else { throw CLIError(code: "passphrase_too_short", message: "LIANDONG_BACKUP_PASSPHRASE 中的口令太短（至少 8 个字符）") }
            return Array(text.utf8)
        }
        return nil
    }
}

/// BackupFiles names and prunes the backups `liandong backup` writes into a backup directory.
enum BackupFiles {
    /// `liandong-CODE-YYYYMMDD-HHMMSS.ldbk`, in China Standard Time, so names sort by time.
    static func name(code: String, at millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "liandong-\(code)-\(formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))).\(BackupFormat.extensionName)"
    }

    /// This node's backups in directory, newest first, with their modification times.
    static func list(directory: String, code: String) -> [(path: String, modified: Date)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("liandong-\(code)-") && $0.hasSuffix("." + BackupFormat.extensionName) }
            .compactMap { name in
                let path = directory + "/" + name
                guard let modified = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date else { return nil }
                return (path, modified)
            }
            .sorted { $0.modified > $1.modified }
    }

    /// Removes this node's backups older than keepDays, always keeping the newest one.
    static func prune(directory: String, code: String, keepDays: Int, now: Int64) -> [String] {
        let cutoff = Date(timeIntervalSince1970: Double(now) / 1000 - Double(keepDays) * 86400)
        return list(directory: directory, code: code).dropFirst().filter { $0.modified < cutoff }.compactMap { file in
            (try? FileManager.default.removeItem(atPath: file.path)).map { file.path }
        }
    }
}
