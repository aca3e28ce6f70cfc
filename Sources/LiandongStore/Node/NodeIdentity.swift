import LiandongDomain

/// NodeIdentity is who this node is: its division code, role, name and public key.
public struct NodeIdentity: Sendable, Equatable {
    public var code: String
    public var role: Role
    public var name: String
    public var publicKey: [UInt8]
    public var parentURL: String?
    public var listen: String?
}
