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
                if row.registeredKey != want.registration.publicKey || row.role != want.registration.role || row.name != want.registration.name
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
        try verifyRekeys(&report, db: db)
    }

    /// Re-derives the re-keys from the log as materializeRekey applies them (per code and cut-over,
    /// the later by `(hlc, key)`) and compares them with `node_rekeys`: an edited new key would let a
    /// forger sign as the node. Rows with hlc 0 were trusted from the enroll answer, not yet judged by the log.
    private func verifyRekeys(_ report: inout VerifyReport, db: Database) throws {
        struct Slot: Hashable { var code: String; var fromSeq: Int64 }
        var wanted: [Slot: (change: Change, rekey: NodeRekey)] = [:]
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes WHERE kind = ? ORDER BY lsn")
        try statement.bind(NodeRekey.kind, at: 1)
        while try statement.step() {
            guard let change = try? NodeStore.decodeChange(statement), ChangeKinds.problem(of: change) == nil,
                let rekey = try? NodeRekey.parse(change.payload)
            else { continue }
            let slot = Slot(code: rekey.code, fromSeq: rekey.fromSeq)
            if let held = wanted[slot], held.change.hlc > change.hlc
                || (held.change.hlc == change.hlc && !held.rekey.publicKey.lexicographicallyPrecedes(rekey.publicKey)) { continue }
            wanted[slot] = (change, rekey)
        }
        var rows: [Slot: (key: [UInt8], hlc: Int64)] = [:]
        for row in try db.query("SELECT code, from_seq, public_key, hlc FROM node_rekeys") {
            guard let code = row.text("code"), let seq = row.int64("from_seq") else { continue }
            rows[Slot(code: code, fromSeq: seq)] = (row.blob("public_key") ?? [], row.int64("hlc") ?? 0)
        }
        for slot in Set(wanted.keys).union(rows.keys).sorted(by: { ($0.code, $0.fromSeq) < ($1.code, $1.fromSeq) }) {
            let want = wanted[slot]
            let row = rows[slot]
            if let want, row?.key != want.rekey.publicKey || row?.hlc != want.change.hlc.rawValue {
                report.problems.append(VerifyProblem(code: "registry_mismatch", entity: EntityName.node(slot.code), change: ChangeID(origin: want.change.origin, seq: want.change.seq),
                                                     message: "节点 \(slot.code) 自 #\(slot.fromSeq) 起的新密钥与日志中的重新登记不一致：被改动过"))
            } else if want == nil, let row, row.hlc != 0 {
                report.problems.append(VerifyProblem(code: "registry_mismatch", entity: EntityName.node(slot.code), change: nil,
                                                     message: "节点 \(slot.code) 在登记表中有自 #\(slot.fromSeq) 起的新密钥，日志中却没有这次重新登记"))
            }
        }
    }
}
