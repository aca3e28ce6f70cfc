import Foundation

/// EnrollmentToken is the text `node add` prints and the child's `init --enroll` takes: the
/// one-time secret, and, when the parent serves https with a certificate of its own, the
/// fingerprint of that certificate's public key after a dot, so that the child trusts exactly
/// that key from its first connection without any CA (`SECRET.PIN`; Protocol/sync.md, enrolment).
/// A token without a dot (the format of earlier versions) is still accepted: the child then
/// relies on `--ca` or the system's CAs, as before.
public struct EnrollmentToken: Equatable, Sendable {
    /// The secret the parent checks (64 hex digits).
    public var secret: String
    /// Base64 of the SHA-256 of the parent certificate's SubjectPublicKeyInfo (RFC 7469 pin).
    public var pin: String?

    public init(secret: String, pin: String?) {
        self.secret = secret
        self.pin = pin
    }

    public var text: String { pin.map { secret + "." + $0 } ?? secret }

    /// Splits a token; nil when the pin part is not a 32-byte base64 value.
    public static func parse(_ text: String) -> EnrollmentToken? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let dot = trimmed.firstIndex(of: ".") else { return EnrollmentToken(secret: trimmed, pin: nil) }
        let secret = String(trimmed[..<dot])
        let pin = String(trimmed[trimmed.index(after: dot)...])
        guard !secret.isEmpty, isPin(pin) else { return nil }
        return EnrollmentToken(secret: secret, pin: pin)
    }

    /// 44 characters of standard base64 ending in one `=`: the encoding of 32 bytes.
    public static func isPin(_ text: String) -> Bool {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return text.count == 44 && text.hasSuffix("=") && text.dropLast().allSatisfy { alphabet.contains($0) }
    }
}
