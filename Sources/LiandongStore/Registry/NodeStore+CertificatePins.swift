import LiandongDomain

/// The TLS keys nodes announce (`node.certificate`, CertificateAnnouncement): a parent announces a
/// new key to its children over the link they already trust before it switches certificates, so a
/// renewal with a new key never cuts a village off.
extension NodeStore {
    /// Records this node's announcement of the pins it may present from now on.
    @discardableResult
    public func announceCertificate(pins: [String], actor: String) throws -> Change {
        let announcement = CertificateAnnouncement(code: identity.code, pins: pins)
        _ = try CertificateAnnouncement.parse(announcement.json)
        let draft = ChangeDraft(actor: actor, entity: EntityName.node(identity.code), kind: CertificateAnnouncement.kind, payload: announcement.json)
        guard let change = try record([draft]).first else { throw StoreError("internal", "证书公告未能记录") }
        return change
    }

    /// The latest announcement of a node held here, if any.
    public func certificateAnnouncement(of code: String) throws -> CertificateAnnouncement? {
        guard let text = try db.query("SELECT pins FROM certificate_pins WHERE code = ?", [.text(code)]).first?.text("pins") else { return nil }
        return CertificateAnnouncement(code: code, pins: text.split(separator: ",").map(String.init))
    }

    /// The pins this node accepts for its parent: the parent's latest announcement, else the enrolment token's.
    public func acceptedParentPins() throws -> [String] {
        let announced = try NodeCode.parent(of: identity.code).flatMap { try certificateAnnouncement(of: $0) }
        return CertificateAnnouncement.accepted(tokenPin: try parentPin(), announced: announced)
    }
}
