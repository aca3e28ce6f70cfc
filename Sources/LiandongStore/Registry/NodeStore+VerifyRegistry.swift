import LiandongDomain

extension NodeStore {
    /// Folds the registry changes of the log with the same domain code the store applies them with
    /// (Registry) and compares the result with the rows kept: an edited key would make a forger's
    /// changes verify, a cleared revocation would let a revoked node back in, an edited pin would
    /// let a stranger's certificate pass. Rows the log does not judge are trusted anchors (the
    /// enroll answer, `trust`): a node row with no registration in the log, a re-key with HLC 0.
    func verifyRegistry(_ report: inout VerifyReport, db: Database) throws {
        var changes: [Change] = []
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes WHERE kind IN (?, ?, ?, ?) ORDER BY lsn")
        for (index, kind) in [NodeKind.registered, NodeKind.revoked, NodeRekey.kind, CertificateAnnouncement.kind].enumerated() {
            try statement.bind(kind, at: index + 1)
        }
        while try statement.step() {
            if let change = try? NodeStore.decodeChange(statement) { changes.append(change) }
        }
        let expected = Registry.fold(changes).rows
        let kept = try keptRegistryRows(db: db)
        for key in Set(expected.keys).union(kept.keys).sorted() {
            report.problems += registryProblems(key, want: expected[key], have: kept[key])
        }
    }

    /// What is wrong with the row kept for a key, given the row the log gives.
    private func registryProblems(_ key: RegistryKey, want: RegistryRow?, have: RegistryRow?) -> [VerifyProblem] {
        let code = key.code
        func problem(_ kind: String, _ change: ChangeID?, _ message: String) -> VerifyProblem {
            VerifyProblem(code: kind, entity: EntityName.node(code), change: change, message: message)
        }
        switch (want, have) {
        case (.node(let want)?, let have):
            var row: RegistryNode?
            if case .node(let held)? = have { row = held }
            var problems: [VerifyProblem] = []
            if let registration = want.registration {
                guard let row, !row.publicKey.isEmpty else {
                    return [problem("registry_missing", registration, "节点 \(code) 在日志中已登记，登记表中却没有它的公钥")]
                }
                if row.publicKey != want.publicKey || row.role != want.role || row.name != want.name || row.registeredHLC != want.registeredHLC {
                    problems.append(problem("registry_mismatch", registration, "节点 \(code) 的登记记录（公钥、名称或角色）与日志中的登记不一致：被改动过"))
                }
            }
            if let revocation = want.revocation {
                if row?.revokedHLC != want.revokedHLC {
                    problems.append(problem("registry_mismatch", revocation, "节点 \(code) 在日志中已撤销，登记表中的撤销记录却不一致：被改动过"))
                }
            } else if row?.revokedHLC != nil, want.registration != nil {
                problems.append(problem("registry_mismatch", nil, "节点 \(code) 在登记表中记为已撤销，日志中却没有撤销它的变更"))
            }
            return problems
        case (.rekey(let want)?, let have):
            guard case .rekey(let row)? = have, row.publicKey == want.publicKey, row.hlc == want.hlc else {
                return [problem("registry_mismatch", want.change, "节点 \(code) 自 #\(want.fromSeq) 起的新密钥与日志中的重新登记不一致：被改动过")]
            }
            return []
        case (nil, .rekey(let row)?):
            guard row.hlc != 0 else { return [] }
            return [problem("registry_mismatch", nil, "节点 \(code) 在登记表中有自 #\(row.fromSeq) 起的新密钥，日志中却没有这次重新登记")]
        case (.pins(let want)?, let have):
            guard case .pins(let row)? = have, row.pins == want.pins, row.hlc == want.hlc else {
                return [problem("registry_mismatch", want.change, "节点 \(code) 的证书公钥指纹与日志中最后的证书公告不一致：被改动过")]
            }
            return []
        case (nil, .pins):
            return [problem("registry_mismatch", nil, "节点 \(code) 有证书公钥指纹记录，日志中却没有公告它的变更")]
        default:
            return []
        }
    }
}
