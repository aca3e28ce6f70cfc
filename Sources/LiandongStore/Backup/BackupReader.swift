import Foundation

/// BackupReader unpacks a backup file (BackupFormat) into a directory, checking as it goes; it
/// trusts nothing until the end record's hash (and, when encrypted, the GCM tag) has matched, and
/// callers must not use what it wrote if it throws.
final class BackupReader {
    /// What the header says.
    struct Header {
        var cipher: BackupFormat.Cipher
        var bytes: [UInt8]
    }

    let path: String
    private let handle: FileHandle
    private var remaining: UInt64
    private var cipher: PassphraseCipher?
    private let hash: SHA256Stream
    private(set) var encrypted = false

    init(path: String, passphrase: [UInt8]?) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError("backup_not_found", "找不到或无法读取备份文件 \(path)")
        }
        self.handle = handle
        hash = try SHA256Stream()
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        remaining = size
        let fixed = try readRaw(10)
        guard Array(fixed.prefix(8)) == BackupFormat.magic else {
            throw StoreError("backup_unreadable", "\(path) 不是 liandong 备份文件")
        }
        guard fixed[8] == BackupFormat.version else {
            throw StoreError("backup_unsupported", "备份文件 \(path) 的格式版本 \(fixed[8]) 不受本版本支持，请用更新的 liandong")
        }
        switch BackupFormat.Cipher(rawValue: fixed[9]) {
        case .none?:
            break
        case .scryptAES256GCM?:
            encrypted = true
            let parameters = try readRaw(1 + 4 + 4 + PassphraseCipher.saltLength + PassphraseCipher.nonceLength)
            guard let passphrase, !passphrase.isEmpty else {
                throw StoreError("backup_encrypted", "备份文件 \(path) 已加密：请用 --passphrase-file 给出口令文件（或设置 LIANDONG_BACKUP_PASSPHRASE）")
            }
            let cost = PassphraseCipher.Cost(
                logN: parameters[0], r: BackupFormat.integer(parameters[1..<5], as: UInt32.self),
                p: BackupFormat.integer(parameters[5..<9], as: UInt32.self))
            let salt = Array(parameters[9..<(9 + PassphraseCipher.saltLength)])
            let nonce = Array(parameters.suffix(PassphraseCipher.nonceLength))
            guard remaining >= UInt64(PassphraseCipher.tagLength) else { throw truncated() }
            remaining -= UInt64(PassphraseCipher.tagLength)
            let key = try PassphraseCipher.deriveKey(passphrase: passphrase, salt: salt, cost: cost)
            cipher = try PassphraseCipher(key: key, nonce: nonce, aad: fixed + parameters, encrypting: false)
        case nil:
            throw StoreError("backup_unsupported", "备份文件 \(path) 使用未知的加密方式 \(fixed[9])")
        }
    }

    deinit { try? handle.close() }

    /// Writes every file into directory and returns their names; throws on any mismatch.
    func extract(into directory: String) throws -> [String] {
        var names: [String] = []
        while true {
            let kind = try readBody(1, hashed: false)[0]
            if kind == UInt8(ascii: "E") {
                let expected = hash.finish()
                let stored = try readBody(32, hashed: false)
                guard remaining == 0 else { throw damaged("结束标记之后还有多余数据") }
                if let cipher {
                    let tag = [UInt8](try handle.readToEnd() ?? Data())
                    guard cipher.finishDecrypting(tag: tag) else {
                        throw StoreError("backup_wrong_passphrase", "备份文件 \(path) 无法解密：口令不对，或文件已损坏")
                    }
                }
                guard stored == expected else { throw damaged("校验和不符") }
                return names
            }
            guard kind == UInt8(ascii: "F") else {
                // An encrypted file read with the wrong passphrase decrypts to noise: say so first.
                throw encrypted ? StoreError("backup_wrong_passphrase", "备份文件 \(path) 无法解密：口令不对，或文件已损坏") : damaged("记录类型无效")
            }
            hash.update([kind])
            let nameLength = Int(BackupFormat.integer(try readBody(2)[...], as: UInt16.self))
            let nameBytes = try readBody(nameLength)
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard BackupFormat.isSafeName(name), !names.contains(name) else {
                throw encrypted ? StoreError("backup_wrong_passphrase", "备份文件 \(path) 无法解密：口令不对，或文件已损坏") : damaged("条目名无效")
            }
            let size = BackupFormat.integer(try readBody(8)[...], as: UInt64.self)
            guard size <= remaining else { throw truncated() }
            try writeEntry(name: name, size: size, into: directory)
            names.append(name)
        }
    }

    private func writeEntry(name: String, size: UInt64, into directory: String) throws {
        let target = directory + "/" + name
        let parent = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("restore_failed", "无法写入 \(target)：\(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var left = size
        while left > 0 {
            let chunk = try readBody(Int(min(left, 1 << 20)))
            let written = chunk.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == chunk.count else { throw StoreError("restore_failed", "写入 \(target) 失败：\(String(cString: strerror(errno)))") }
            left -= UInt64(chunk.count)
        }
        guard fsync(descriptor) == 0 else { throw StoreError("restore_failed", "写入 \(target) 失败（fsync）") }
    }

    private func readBody(_ count: Int, hashed: Bool = true) throws -> [UInt8] {
        let raw = try readRaw(count)
        let plain = try cipher?.update(raw) ?? raw
        if hashed { hash.update(plain) }
        return plain
    }

    private func readRaw(_ count: Int) throws -> [UInt8] {
        guard UInt64(count) <= remaining else { throw truncated() }
        guard count > 0 else { return [] }
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else { throw truncated() }
        remaining -= UInt64(count)
        return [UInt8](data)
    }

    private func truncated() -> StoreError {
        StoreError("backup_damaged", "备份文件 \(path) 不完整（被截断）")
    }

    private func damaged(_ why: String) -> StoreError {
        StoreError("backup_damaged", "备份文件 \(path) 已损坏：\(why)")
    }
}
