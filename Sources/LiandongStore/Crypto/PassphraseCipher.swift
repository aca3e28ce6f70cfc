import CCrypto

/// PassphraseCipher encrypts a backup with a key derived from a passphrase: scrypt (RFC 7914) for
/// the key, AES-256-GCM (NIST SP 800-38D) for the data, both from libcrypto's EVP interface.
/// GCM is a stream mode, so a backup of any size passes through in chunks; the tag at the end
/// authenticates the whole stream and the header given as additional data.
public final class PassphraseCipher {
    /// scrypt cost: N = 2^15, r = 8, p = 1 uses 32 MiB and about a tenth of a second, the
    /// interactive-login figure of RFC 7914 §2 raised one step because a backup is opened rarely.
    public struct Cost: Equatable, Sendable {
        public var logN: UInt8 = 15
        public var r: UInt32 = 8
        public var p: UInt32 = 1
        public init(logN: UInt8 = 15, r: UInt32 = 8, p: UInt32 = 1) {
            self.logN = logN
            self.r = r
            self.p = p
        }
    }

    public static let keyLength = 32
    public static let saltLength = 16
    public static let nonceLength = 12
    public static let tagLength = 16

    private let context: OpaquePointer
    private let encrypting: Bool

    /// The 32-byte key scrypt derives from passphrase and salt.
    public static func deriveKey(passphrase: [UInt8], salt: [UInt8], cost: Cost) throws -> [UInt8] {
        guard cost.logN >= 10, cost.logN <= 22, cost.r >= 1, cost.r <= 32, cost.p >= 1, cost.p <= 16 else {
            throw CryptoError("scrypt", reason: "cost out of range (logN \(cost.logN), r \(cost.r), p \(cost.p))")
        }
        var key = [UInt8](repeating: 0, count: keyLength)
        let n = UInt64(1) << UInt64(cost.logN)
        let memory = 128 * UInt64(cost.r) * n * UInt64(cost.p) + (1 << 20)
        // A non-empty buffer, so the pointer passed is never NULL (an empty passphrase is refused earlier).
        let characters = passphrase.isEmpty ? [CChar(0)] : passphrase.map { CChar(bitPattern: $0) }
        let ok = EVP_PBE_scrypt(characters, passphrase.count, salt, salt.count, n, UInt64(cost.r), UInt64(cost.p), memory * 2, &key, key.count)
        guard ok == 1 else { throw CryptoError("scrypt") }
        return key
    }

    /// Starts encrypting (or decrypting) with key and nonce; aad is authenticated but not encrypted.
    public init(key: [UInt8], nonce: [UInt8], aad: [UInt8], encrypting: Bool) throws {
        guard key.count == Self.keyLength, nonce.count == Self.nonceLength else {
            throw CryptoError("aes-256-gcm", reason: "key or nonce has the wrong length")
        }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError("EVP_CIPHER_CTX_new") }
        self.context = context
        self.encrypting = encrypting
        let initialise = encrypting ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initialise(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            liandong_gcm_set_iv_length(context, Int32(nonce.count)) == 1,
            initialise(context, nil, nil, key, nonce) == 1
        else { throw CryptoError("aes-256-gcm init") }
        if !aad.isEmpty {
            var written: Int32 = 0
            let update = encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
            guard update(context, nil, &written, aad, Int32(aad.count)) == 1 else { throw CryptoError("aes-256-gcm aad") }
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts or decrypts the next chunk; GCM gives back exactly as many bytes as it is given.
    public func update(_ input: [UInt8]) throws -> [UInt8] {
        guard !input.isEmpty else { return [] }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        let update = encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard update(context, &output, &written, input, Int32(input.count)) == 1 else { throw CryptoError("aes-256-gcm update") }
        return Array(output.prefix(Int(written)))
    }

    /// Ends encryption and returns the tag.
    public func finishEncrypting() throws -> [UInt8] {
        var rest = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        guard EVP_EncryptFinal_ex(context, &rest, &written) == 1 else { throw CryptoError("aes-256-gcm final") }
        var tag = [UInt8](repeating: 0, count: Self.tagLength)
        guard liandong_gcm_get_tag(context, &tag, Int32(tag.count)) == 1 else { throw CryptoError("aes-256-gcm tag") }
        return tag
    }

    /// Ends decryption; false when the tag does not match (wrong passphrase, or altered data).
    public func finishDecrypting(tag: [UInt8]) -> Bool {
        var tag = tag
        guard tag.count == Self.tagLength, liandong_gcm_set_tag(context, &tag, Int32(tag.count)) == 1 else { return false }
        var rest = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        return EVP_DecryptFinal_ex(context, &rest, &written) == 1
    }
}

/// SHA256Stream hashes data that arrives in chunks (a backup's body).
public final class SHA256Stream {
    private let context: OpaquePointer

    public init() throws {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError("EVP_MD_CTX_new") }
        self.context = context
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw CryptoError("sha256 init") }
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        _ = EVP_DigestUpdate(context, bytes, bytes.count)
    }

    public func finish() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &digest, &length)
        return digest
    }
}
