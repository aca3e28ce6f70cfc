/// TOTP is the time-based one-time password of RFC 6238 over HOTP (RFC 4226): the counter is the
/// number of `step` seconds since the epoch, the code the dynamic truncation of HMAC(secret,
/// counter). The HMAC itself is computed by libcrypto in the store; it is passed in here, so the
/// time-step and truncation logic is pure and checked against the RFCs' test vectors.
public struct TOTP: Sendable {
    /// HMAC(key, message) → MAC; SHA-1 for authenticator apps (RFC 6238's default).
    public typealias MAC = @Sendable (_ key: [UInt8], _ message: [UInt8]) -> [UInt8]

    public var secret: [UInt8]
    public var digits: Int
    public var step: Int64
    public var mac: MAC

    public init(secret: [UInt8], digits: Int = 6, step: Int64 = 30, mac: @escaping MAC) {
        self.secret = secret
        self.digits = digits
        self.step = step
        self.mac = mac
    }

    /// The moving factor T = floor(unixSeconds / step) (RFC 6238 §4.2).
    public func counter(unixSeconds: Int64) -> UInt64 { UInt64(max(0, unixSeconds) / step) }

    /// The HOTP value for a counter (RFC 4226 §5.3), zero-padded to `digits`.
    public func code(counter: UInt64) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { message[index] = UInt8((counter >> (56 - 8 * UInt64(index))) & 0xFF) }
        let hash = mac(secret, message)
        guard let last = hash.last, hash.count >= 20 else { return "" }
        let offset = Int(last & 0x0F)
        let binary = (UInt32(hash[offset] & 0x7F) << 24) | (UInt32(hash[offset + 1]) << 16) | (UInt32(hash[offset + 2]) << 8)
            | UInt32(hash[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    public func code(unixSeconds: Int64) -> String { code(counter: counter(unixSeconds: unixSeconds)) }

    /// True when `entered` matches the code of the current step or one step either side (RFC 6238
    /// §5.2 recommends allowing one step of network delay and clock drift).
    public func verify(_ entered: String, unixSeconds: Int64) -> Bool {
        let trimmed = entered.filter { !$0.isWhitespace }
        guard trimmed.count == digits else { return false }
        let now = counter(unixSeconds: unixSeconds)
        for candidate in [now, now &+ 1, now == 0 ? now : now - 1] where constantTimeEqual(code(counter: candidate), trimmed) {
            return true
        }
        return false
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// Base32 (RFC 4648 §6) for TOTP secrets, as authenticator apps expect them.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes upper- or lower-case Base32, ignoring spaces and padding; nil on any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for scalar in text.uppercased().utf8 where scalar != UInt8(ascii: " ") && scalar != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: scalar) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
