import Foundation

/// BackupWriter writes a backup file (BackupFormat) record by record, encrypting as it goes when
/// given a passphrase. The file is created 0600 from the first byte (it holds the node's private
/// key and every applicant's ID number), written under a temporary name, fsynced and renamed into
/// place by `finish`, so a half-written backup never carries the final name.
final class BackupWriter {
    private let path: String
    private let temporary: String
    private let descriptor: Int32
    private let cipher: PassphraseCipher?
    private let hash: SHA256Stream
    private var finished = false

    init(path: String, passphrase: [UInt8]?, cost: PassphraseCipher.Cost = .init()) throws {
        self.path = path
        temporary = FileSystem.temporarySibling(of: path)
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("backup_write_failed", "无法创建备份文件 \(path)：\(String(cString: strerror(errno)))")
        }
        hash = try SHA256Stream()
        var header = BackupFormat.magic + [BackupFormat.version]
        do {
            if let passphrase {
                let salt = try secureRandomBytes(PassphraseCipher.saltLength)
                let nonce = try secureRandomBytes(PassphraseCipher.nonceLength)
                header += [BackupFormat.Cipher.scryptAES256GCM.rawValue, cost.logN]
                header += BackupFormat.bigEndian(cost.r) + BackupFormat.bigEndian(cost.p) + salt + nonce
                let key = try PassphraseCipher.deriveKey(passphrase: passphrase, salt: salt, cost: cost)
                cipher = try PassphraseCipher(key: key, nonce: nonce, aad: header, encrypting: true)
            } else {
                header.append(BackupFormat.Cipher.none.rawValue)
                cipher = nil
            }
            try writeRaw(header)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
    }

    deinit {
        if !finished {
            close(descriptor)
            unlink(temporary)
        }
    }

    /// Adds one file from memory.
    func add(name: String, bytes: [UInt8]) throws {
        try writeRecordHeader(name: name, size: UInt64(bytes.count))
        try writeBody(bytes)
    }

    /// Adds one file from disk, streamed in 1 MiB chunks.
    func add(name: String, file source: String) throws {
        guard let handle = FileHandle(forReadingAtPath: source) else {
            throw StoreError("backup_write_failed", "无法读取 \(source)")
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        try writeRecordHeader(name: name, size: size)
        var remaining = size
        while remaining > 0 {
            guard let chunk = try handle.read(upToCount: Int(min(remaining, 1 << 20))), !chunk.isEmpty else {
                throw StoreError("backup_write_failed", "\(source) 在备份过程中变短了")
            }
            try writeBody([UInt8](chunk))
            remaining -= UInt64(chunk.count)
        }
    }

    /// Writes the end record (and the tag), syncs, and renames the file to its final name.
    func finish() throws {
        let digest = hash.finish()
        try writeBody([UInt8(ascii: "E")] + digest, hashed: false)
        if let cipher { try writeRaw(try cipher.finishEncrypting()) }
        guard fsync(descriptor) == 0 else { throw StoreError("backup_write_failed", "无法写入备份文件 \(path)（fsync）") }
        close(descriptor)
        finished = true
        do {
            try FileSystem.replace(path, with: temporary)
        } catch {
            unlink(temporary)
            throw StoreError("backup_write_failed", "无法把备份放到 \(path)：\(error)")
        }
    }

    private func writeRecordHeader(name: String, size: UInt64) throws {
        guard BackupFormat.isSafeName(name) else { throw StoreError("backup_write_failed", "备份条目名无效：\(name)") }
        let nameBytes = Array(name.utf8)
        try writeBody([UInt8(ascii: "F")] + BackupFormat.bigEndian(UInt16(nameBytes.count)) + nameBytes + BackupFormat.bigEndian(size))
    }

    private func writeBody(_ bytes: [UInt8], hashed: Bool = true) throws {
        if hashed { hash.update(bytes) }
        try writeRaw(try cipher?.update(bytes) ?? bytes)
    }

    private func writeRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                throw StoreError("backup_write_failed", "写入备份文件 \(path) 失败：\(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
