/// Rows trusted directly rather than folded from the log (Registry.swift): the registry snapshot
/// a parent sends in its enroll answer, which the child trusts on first use (the one-time token
/// protects it, DESIGN §7), and a key wired up by hand (benches, tests). Such a row carries
/// registeredHLC 0, so the log's registration of the code, which every snapshot entry is later
/// pulled with, replaces it when it arrives (RegistryChange: any HLC is later than 0).
///
/// The store loads the rows held for `keys(trusting:)`, asks `trusting(_:over:)` and writes
/// exactly the rows it returns, through the same writer as the fold's.
extension Registry {
    /// The rows a snapshot touches: each entry's node row, and a row per re-key of its history.
    public static func keys(trusting snapshot: [RegistryEntry]) -> [RegistryKey] {
        snapshot.flatMap { entry in
            [.node(entry.code)] + entry.history.filter { $0.fromSeq > 1 }.map { .rekey(code: entry.code, fromSeq: $0.fromSeq) }
        }
    }

    /// The rows a snapshot changes, given the rows held for its keys, in key order. An entry of a
    /// code listed twice is trusted after the one before it, as the list reads.
    public static func trusting(_ snapshot: [RegistryEntry], over held: [RegistryKey: RegistryRow]) -> [RegistryRow] {
        var rows = held
        var changed = Set<RegistryKey>()
        for entry in snapshot {
            for row in entry.trusted(over: rows) {
                rows[row.key] = row
                changed.insert(row.key)
            }
        }
        return changed.sorted().compactMap { rows[$0] }
    }
}

extension RegistryEntry {
    /// What trusting this entry changes of the rows held:
    /// - its node row: a code held with no registration from the log (registeredHLC 0) takes the
    ///   entry's role, name and registered key; a registered one keeps its own. A revocation the
    ///   entry carries stands when it is the earliest (as `node.revoked` folds: the parent refuses
    ///   from there, so the child must too).
    /// - its key history: each re-key not held yet, with no HLC (0) so that the log's `node.rekeyed`
    ///   replaces it. A re-key held stays.
    func trusted(over held: [RegistryKey: RegistryRow]) -> [RegistryRow] {
        var rows: [RegistryRow] = []
        let registeredKey = history.first?.publicKey ?? node.publicKey
        if case .node(let row)? = held[.node(node.code)] {
            var next = row
            if next.registeredHLC == 0 { (next.role, next.name, next.publicKey) = (node.role, node.name, registeredKey) }
            if let revoked = node.revokedHLC { _ = next.holdRevocation(at: revoked, by: nil) }
            if next != row { rows.append(.node(next)) }
        } else {
            rows.append(.node(RegistryNode(code: node.code, role: node.role, name: node.name, publicKey: registeredKey,
                                           registeredHLC: 0, revokedHLC: node.revokedHLC)))
        }
        for epoch in history where epoch.fromSeq > 1 && held[.rekey(code: node.code, fromSeq: epoch.fromSeq)] == nil {
            rows.append(.rekey(RekeyRow(code: node.code, fromSeq: epoch.fromSeq, publicKey: epoch.publicKey, reason: "", origin: "", actor: "", hlc: 0)))
        }
        return rows
    }
}

extension RegistryNode {
    /// A key wired up by hand (benches, tests): the row takes this node's role, name and key
    /// whatever is held, and keeps the HLCs held (a new row has none: registeredHLC 0, not revoked).
    public func trustedDirectly(over held: RegistryNode?) -> RegistryNode {
        guard var row = held else {
            return RegistryNode(code: code, role: role, name: name, publicKey: publicKey, registeredHLC: 0, revokedHLC: nil)
        }
        (row.role, row.name, row.publicKey) = (role, name, publicKey)
        return row
    }
}
