import CCrypto

/// HMAC and PBKDF2 from libcrypto: TOTP codes (HMAC-SHA-1, RFC 6238) and password hashes
/// (PBKDF2-HMAC-SHA256, RFC 8018 §5.2).
public enum HMAC {
    public static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                CCrypto.HMAC(EVP_sha1(), k.baseAddress, Int32(k.count), m.baseAddress, m.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }
}

/// PasswordHash derives the stored verifier of a password.
public enum PasswordHash {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600,000; a village PC pays it once per login.
    public static let defaultIterations = 600_000

    public static func derive(password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let chars = Array(password.utf8CString)
        let ok = PKCS5_PBKDF2_HMAC(chars, Int32(chars.count - 1), salt, Int32(salt.count), Int32(iterations), EVP_sha256(), 32, &out)
        guard ok == 1 else { throw CryptoError("PKCS5_PBKDF2_HMAC") }
        return out
    }

    /// Constant-time comparison, so that timing does not tell how much of a hash matched.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
