import CCrypto

/// Ed25519SigningKey is a node's private key (DESIGN §4), owning one libcrypto EVP_PKEY.
/// Not Sendable: one per store connection, used from one thread at a time.
public final class Ed25519SigningKey {
    private let key: OpaquePointer
    public let publicKey: [UInt8]

    /// A new random key pair from the operating system's randomness.
    public convenience init() throws {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw CryptoError("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw CryptoError("EVP_PKEY_keygen_init") }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen(context, &generated) == 1, let generated else { throw CryptoError("EVP_PKEY_keygen") }
        try self.init(owning: generated)
    }

    /// The key whose 32-byte private seed is `seed` (RFC 8032).
    public convenience init(seed: [UInt8]) throws {
        guard seed.count == 32 else { throw CryptoError("Ed25519 seed", reason: "expected 32 bytes, got \(seed.count)") }
        guard let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            throw CryptoError("EVP_PKEY_new_raw_private_key")
        }
        try self.init(owning: key)
    }

    private init(owning key: OpaquePointer) throws {
        self.key = key
        var length = 32
        var raw = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
            EVP_PKEY_free(key)
            throw CryptoError("EVP_PKEY_get_raw_public_key")
        }
        self.publicKey = raw
    }

    deinit { EVP_PKEY_free(key) }

    /// The 32-byte private seed, for writing the key file.
    public func seed() throws -> [UInt8] {
        var length = 32
        var raw = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_private_key(key, &raw, &length) == 1, length == 32 else {
            throw CryptoError("EVP_PKEY_get_raw_private_key")
        }
        return raw
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else { throw CryptoError("EVP_DigestSignInit") }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1, length == 64 else {
            throw CryptoError("EVP_DigestSign")
        }
        return signature
    }
}

/// Ed25519PublicKey verifies signatures of one node; cached by origin in the verifier.
public final class Ed25519PublicKey {
    private let key: OpaquePointer
    public let rawValue: [UInt8]

    public init(_ raw: [UInt8]) throws {
        guard raw.count == 32 else { throw CryptoError("Ed25519 public key", reason: "expected 32 bytes, got \(raw.count)") }
        guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            throw CryptoError("EVP_PKEY_new_raw_public_key")
        }
        self.key = key
        self.rawValue = raw
    }

    deinit { EVP_PKEY_free(key) }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }
}

/// Random bytes from libcrypto's CSPRNG: enrollment tokens, query codes.
public func secureRandomBytes(_ count: Int) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    guard RAND_bytes(&bytes, Int32(count)) == 1 else { throw CryptoError("RAND_bytes") }
    return bytes
}
