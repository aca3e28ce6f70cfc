import LiandongDomain

/// Registry rows trusted directly, not folded from the log: the enroll answer's snapshot and a key
/// wired up by hand. What they mean is the domain's (LiandongDomain/Registry/TrustedRegistry.swift);
/// here the store loads the rows they touch, asks the domain and writes exactly the rows it returns
/// with the fold's writer (NodeStore+RegistryRows).
extension NodeStore {
    /// Trusts a registry snapshot directly (the enroll answer): keys the child has no registration
    /// for yet, re-keys it has not heard of, and revocations with the HLC the parent refuses from.
    public func trustRegistry(_ entries: [RegistryEntry]) throws {
        try db.write { db in
            var held: [RegistryKey: RegistryRow] = [:]
            for key in Registry.keys(trusting: entries) { held[key] = try registryRow(key, db: db) }
            for row in Registry.trusting(entries, over: held) { try write(row, db: db) }
        }
        verifyingKeys.removeAll()
    }

    /// Trusts a node's public key directly: the trust anchor of benches and tests.
    public func trust(code: String, role: Role, name: String, publicKey: [UInt8]) throws {
        let node = RegistryNode(code: code, role: role, name: name, publicKey: publicKey, registeredHLC: 0, revokedHLC: nil)
        try db.write { db in
            var held: RegistryNode?
            if case .node(let row)? = try registryRow(.node(code), db: db) { held = row }
            try write(.node(node.trustedDirectly(over: held)), db: db)
        }
        verifyingKeys[code] = nil
    }
}
