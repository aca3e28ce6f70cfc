/// Registry is the node registry (节点登记表) as the registry changes fold it: one row per node
/// code, one per re-key cut-over, one per node's certificate pins. Every rule of which change
/// stands lives here, so that every replica ends with the same rows whatever order the changes
/// reached it in (DESIGN §6), and so that the store and `verify` run the same code:
///
/// - `node.registered`: the newest registration by HLC stands, ties by the larger key; a
///   revocation already held stays.
/// - `node.revoked`: the earliest revocation stands. One that arrives before the registration
///   keeps a row with no key, which the registration fills in later.
/// - `node.rekeyed`: for one code and cut-over the later by HLC stands, ties by the larger key (as
///   KeyHistory reads them).
/// - `node.certificate`: the latest announcement by HLC stands.
///
/// The store loads the row a change touches (`RegistryChange.key`), asks `applied(to:)` and
/// writes exactly the row it returns; `verify` folds the whole log with `fold` and compares.
/// Rows trusted directly rather than folded (the enroll answer's snapshot, keys wired up by hand)
/// are TrustedRegistry.swift's.
public struct Registry: Sendable, Equatable {
    public private(set) var rows: [RegistryKey: RegistryRow] = [:]

    public init() {}

    /// Folds one change: the row it writes, or nil when it writes none (not a registry change,
    /// refused by the table of kinds, or superseded by the row held).
    @discardableResult
    public mutating func apply(_ change: Change) -> RegistryRow? {
        guard let registryChange = try? RegistryChange(change) else { return nil }
        let key = registryChange.key
        guard let row = registryChange.applied(to: rows[key]) else { return nil }
        rows[key] = row
        return row
    }

    /// The registry the changes give, in any order.
    public static func fold<S: Sequence>(_ changes: S) -> Registry where S.Element == Change {
        var registry = Registry()
        for change in changes { registry.apply(change) }
        return registry
    }
}

/// Which row of the registry a change writes.
public enum RegistryKey: Sendable, Hashable, Comparable {
    case node(String)
    case rekey(code: String, fromSeq: Int64)
    case pins(String)

    public var code: String {
        switch self {
        case .node(let code), .rekey(let code, _), .pins(let code): return code
        }
    }

    public static func < (a: RegistryKey, b: RegistryKey) -> Bool {
        func rank(_ key: RegistryKey) -> (String, Int, Int64) {
            switch key {
            case .node(let code): return (code, 0, 0)
            case .rekey(let code, let fromSeq): return (code, 1, fromSeq)
            case .pins(let code): return (code, 2, 0)
            }
        }
        return rank(a) < rank(b)
    }
}

/// One row of the registry, as the store keeps it.
public enum RegistryRow: Sendable, Equatable {
    case node(RegistryNode)
    case rekey(RekeyRow)
    case pins(PinnedCertificate)

    public var key: RegistryKey {
        switch self {
        case .node(let node): return .node(node.code)
        case .rekey(let rekey): return .rekey(code: rekey.code, fromSeq: rekey.fromSeq)
        case .pins(let pins): return .pins(pins.code)
        }
    }
}

/// A node's row (`nodes`): the key its registration gave it, and the HLCs of that registration and
/// of its revocation. `registration` and `revocation` name the changes that set them when the row
/// comes from the log (verify cites them); a row read back from the store has none.
public struct RegistryNode: Sendable, Equatable {
    public var code: String
    public var role: Role
    public var name: String
    public var publicKey: [UInt8]
    /// 0 for a key trusted directly (the enroll answer) or a revocation held before the registration.
    public var registeredHLC: Int64
    public var revokedHLC: Int64?
    public var registration: ChangeID?
    public var revocation: ChangeID?

    public init(code: String, role: Role, name: String, publicKey: [UInt8], registeredHLC: Int64, revokedHLC: Int64?,
                registration: ChangeID? = nil, revocation: ChangeID? = nil) {
        self.code = code
        self.role = role
        self.name = name
        self.publicKey = publicKey
        self.registeredHLC = registeredHLC
        self.revokedHLC = revokedHLC
        self.registration = registration
        self.revocation = revocation
    }
}

extension RegistryNode {
    /// The earliest revocation stands: takes `hlc` unless one at or before it is held; whether it did.
    mutating func holdRevocation(at hlc: Int64, by change: ChangeID?) -> Bool {
        if let revoked = revokedHLC, revoked <= hlc { return false }
        (revokedHLC, revocation) = (hlc, change)
        return true
    }
}

/// A re-key's row (`node_rekeys`): from `fromSeq` on the code signs with `publicKey`.
public struct RekeyRow: Sendable, Equatable {
    public var code: String
    public var fromSeq: Int64
    public var publicKey: [UInt8]
    public var reason: String
    public var origin: String
    public var actor: String
    /// 0 for a history trusted from the enroll answer, not yet judged by the log.
    public var hlc: Int64
    public var change: ChangeID?

    public init(code: String, fromSeq: Int64, publicKey: [UInt8], reason: String, origin: String, actor: String, hlc: Int64, change: ChangeID? = nil) {
        self.code = code
        self.fromSeq = fromSeq
        self.publicKey = publicKey
        self.reason = reason
        self.origin = origin
        self.actor = actor
        self.hlc = hlc
        self.change = change
    }
}

/// A node's announced certificate pins (`certificate_pins`).
public struct PinnedCertificate: Sendable, Equatable {
    public var code: String
    public var pins: [String]
    public var hlc: Int64
    public var change: ChangeID?

    public init(code: String, pins: [String], hlc: Int64, change: ChangeID? = nil) {
        self.code = code
        self.pins = pins
        self.hlc = hlc
        self.change = change
    }
}

/// RegistryChange is a registry change read: what it says and which row it writes.
public struct RegistryChange: Sendable {
    public enum Fact: Sendable {
        case registration(NodeRegistration)
        case revocation(NodeRevocation)
        case rekey(NodeRekey)
        case announcement(CertificateAnnouncement)
    }

    public let fact: Fact
    public let hlc: Int64
    public let origin: String
    public let actor: String
    public let id: ChangeID

    /// Reads a change of the registry's kinds; nil for any other kind (a heal record derives no row)
    /// or one the table of kinds refuses (which then becomes a conflict record). Throws what is
    /// wrong with the payload.
    public init?(_ change: Change) throws {
        guard ChangeKinds.problem(of: change) == nil else { return nil }
        switch change.kind {
        case NodeKind.registered: fact = .registration(try NodeRegistration.parse(change.payload))
        case NodeKind.revoked: fact = .revocation(try NodeRevocation.parse(change.payload))
        case NodeRekey.kind: fact = .rekey(try NodeRekey.parse(change.payload))
        case CertificateAnnouncement.kind: fact = .announcement(try CertificateAnnouncement.parse(change.payload))
        default: return nil
        }
        hlc = change.hlc.rawValue
        origin = change.origin
        actor = change.actor
        id = ChangeID(origin: change.origin, seq: change.seq)
    }

    public var key: RegistryKey {
        switch fact {
        case .registration(let registration): return .node(registration.code)
        case .revocation(let revocation): return .node(revocation.code)
        case .rekey(let rekey): return .rekey(code: rekey.code, fromSeq: rekey.fromSeq)
        case .announcement(let announcement): return .pins(announcement.code)
        }
    }

    /// The row after this change, given the row held for its key; nil when the held row stands.
    public func applied(to held: RegistryRow?) -> RegistryRow? {
        switch fact {
        case .registration(let registration):
            guard case .node(let node)? = held else {
                return .node(RegistryNode(code: registration.code, role: registration.role, name: registration.name, publicKey: registration.publicKey,
                                            registeredHLC: hlc, revokedHLC: nil, registration: id))
            }
            guard Self.later(hlc, registration.publicKey, than: node.registeredHLC, node.publicKey) else { return nil }
            var next = node
            (next.role, next.name, next.publicKey, next.registeredHLC, next.registration) = (registration.role, registration.name, registration.publicKey, hlc, id)
            return .node(next)
        case .revocation(let revocation):
            guard case .node(var node)? = held else {
                // Held before its registration: a row with no key, which the registration fills in.
                guard let role = NodeCode.role(of: revocation.code) else { return nil }
                return .node(RegistryNode(code: revocation.code, role: role, name: "", publicKey: [], registeredHLC: 0, revokedHLC: hlc, revocation: id))
            }
            return node.holdRevocation(at: hlc, by: id) ? .node(node) : nil
        case .rekey(let rekey):
            if case .rekey(let row)? = held, !Self.later(hlc, rekey.publicKey, than: row.hlc, row.publicKey) { return nil }
            return .rekey(RekeyRow(code: rekey.code, fromSeq: rekey.fromSeq, publicKey: rekey.publicKey, reason: rekey.reason,
                                   origin: origin, actor: actor, hlc: hlc, change: id))
        case .announcement(let announcement):
            if case .pins(let row)? = held, row.hlc >= hlc { return nil }
            return .pins(PinnedCertificate(code: announcement.code, pins: announcement.pins, hlc: hlc, change: id))
        }
    }

    /// Last writer by HLC, ties by the larger key: every replica keeps the same one.
    static func later(_ hlc: Int64, _ key: [UInt8], than heldHLC: Int64, _ heldKey: [UInt8]) -> Bool {
        hlc > heldHLC || (hlc == heldHLC && heldKey.lexicographicallyPrecedes(key))
    }
}
