/// CertificateAnnouncement is the payload of `node.certificate`: the TLS public keys a node may
/// present to its children, as pins (RFC 7469: base64 of the SHA-256 of the SubjectPublicKeyInfo).
///
/// A child pins its parent from the enrolment token (no CA, DESIGN §9). When the parent must change
/// its key (a compromised key, a certificate from the province's CA), it first announces the current
/// and the new pin in a change signed with its node key; the change reaches every child over the
/// link it already trusts, and from then on the child accepts exactly the announced pins. Once its
/// children hold the announcement, the parent switches certificates; a later announcement with only
/// the new pin retires the old one. Only the node itself announces its own keys.
public struct CertificateAnnouncement: Sendable, Equatable {
    public static let kind = "node.certificate"
    /// Enough for the key in use, the next, and a spare; more is a mistake, not a rotation.
    public static let maxPins = 4

    public var code: String
    public var pins: [String]

    public init(code: String, pins: [String]) {
        self.code = code
        self.pins = pins
    }

    public static func parse(_ payload: JSONValue, field: String = "payload") throws -> CertificateAnnouncement {
        let reader = PayloadReader(payload, field: field)
        let code = try NodeRegistration.code(reader)
        let pins = try reader.strings("pins")
        guard (1...maxPins).contains(pins.count) else { throw reader.fail("pins", "应有 1 至 \(maxPins) 个公钥指纹") }
        guard let bad = pins.first(where: { !EnrollmentToken.isPin($0) }) else {
            return CertificateAnnouncement(code: code, pins: pins)
        }
        throw reader.fail("pins", "「\(bad)」不是公钥指纹（32 字节的 base64）")
    }

    public var json: JSONValue { ["code": .string(code), "pins": .array(pins.map { .string($0) })] }

    /// The pins a child accepts for its parent: the parent's latest announcement when there is one
    /// (it may have retired the key the token named), else the enrolment token's pin; none means the
    /// link is not pinned (plain HTTP on loopback, or a county CA file).
    public static func accepted(tokenPin: String?, announced: CertificateAnnouncement?) -> [String] {
        if let announced { return announced.pins }
        return tokenPin.map { [$0] } ?? []
    }
}
