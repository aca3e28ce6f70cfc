import LiandongDomain

extension NodeStore {
    /// Re-derives the registry from the log as materializeRegistration and materializeRevocation
    /// apply it (newest registration by `(hlc, key)`, earliest revocation) and compares it with
    /// the `nodes` table: an edited key would make a forger's changes verify, and a cleared
    /// revocation would let a revoked node back in. Rows with no registration in the log are keys
    /// trusted directly (the enroll answer, `trust`): the anchor, which the log cannot judge.
    func verifyRegistry(_ report: inout VerifyReport, db: Database) throws {
        var registered: [String: (change: Change, registration: NodeRegistration)] = [:]
        var revoked: [String: Change] = [:]
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes WHERE kind IN (?, ?) ORDER BY lsn")
        try statement.bind(NodeKind.registered, at: 1)
        try statement.bind(NodeKind.revoked, at: 2)
        while try statement.step() {
            guard let change = try? NodeStore.decodeChange(statement) else { continue }
            if change.kind == NodeKind.registered, let registration = try? NodeRegistration.parse(change.payload),
                ChangeKinds.problem(of: change) == nil
            {
                if let held = registered[registration.code] {
                    let newer = change.hlc.rawValue > held.change.hlc.rawValue
                        || (change.hlc == held.change.hlc && held.registration.publicKey.lexicographicallyPrecedes(registration.publicKey))
                    if !newer { continue }
                }
                registered[registration.code] = (change, registration)
            } else if change.kind == NodeKind.revoked, let revocation = try? NodeRevocation.parse(change.payload),
                ChangeKinds.problem(of: change) == nil
            {
                if let held = revoked[revocation.code], held.hlc <= change.hlc { continue }
                revoked[revocation.code] = change
            }
        }
        var rows: [String: RegistryEntry] = [:]
        for entry in try registryRows(db: db) { rows[entry.code] = entry }

        func problem(_ code: String, _ entity: String, _ change: Change?, _ message: String) {
            report.problems.append(VerifyProblem(code: code, entity: entity, change: change.map { ChangeID(origin: $0.origin, seq: $0.seq) },
                                                 message: message))
        }
        for code in Set(registered.keys).union(revoked.keys).union(rows.keys).sorted() {
            let entity = EntityName.node(code)
            let row = rows[code]
            if let want = registered[code] {
                guard let row, !row.publicKey.isEmpty else {
                    problem("registry_missing", entity, want.change, "节点 \(code) 在日志中已登记，登记表中却没有它的公钥")
                    continue
                }
                if row.publicKey != want.registration.publicKey || row.role != want.registration.role || row.name != want.registration.name
                    || row.registeredHLC != want.change.hlc.rawValue
                {
                    problem("registry_mismatch", entity, want.change, "节点 \(code) 的登记记录（公钥、名称或角色）与日志中的登记不一致：被改动过")
                }
            }
            if let want = revoked[code] {
                if row?.revokedHLC != want.hlc.rawValue {
                    problem("registry_mismatch", entity, want, "节点 \(code) 在日志中已撤销，登记表中的撤销记录却不一致：被改动过")
                }
            } else if row?.revokedHLC != nil, registered[code] != nil {
                problem("registry_mismatch", entity, nil, "节点 \(code) 在登记表中记为已撤销，日志中却没有撤销它的变更")
            }
        }
    }
}
