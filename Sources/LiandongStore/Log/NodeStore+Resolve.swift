import LiandongDomain

extension NodeStore {
    /// Resolves a conflict (`liandong conflicts resolve`): records a `conflict.resolved` change on
    /// the case, on each case of a possible duplicate's set (parties = the case's parties, so it
    /// routes like the case), preceded by what `keep`
    /// asks for: the kept value of a contact field, or the withdrawal of the other cases of a
    /// possible duplicate. Only the resolver's tier or a node above it may resolve; every receiver
    /// checks it again where it derives the conflict.
    @discardableResult
    public func resolveConflict(_ id: String, note: String, keep: String?, actor: String) throws -> StoredConflict {
        guard let conflict = try conflicts().first(where: { $0.id == id }) else {
            throw StoreError("conflict_not_found", "本节点没有编号为 \(id) 的冲突记录", details: ["id": id])
        }
        if conflict.isResolved { throw StoreError("already_resolved", "冲突 \(id) 已处理", details: ["id": id]) }
        guard let rule = ConflictRule(rawValue: conflict.rule), rule.isResolvable else {
            throw StoreError("not_resolvable", "冲突 \(id)（\(conflict.rule)）在受理记录到达后自动消除，无需处理", details: ["id": id])
        }
        let cases = conflict.detail["cases"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard let entity = cases.first, try cases.allSatisfy({ try caseState($0) != nil }) else {
            throw StoreError("not_a_case_conflict", "冲突 \(id) 不属于本节点持有的办件：请由县级重新发布正确的目录或日历", details: ["id": id])
        }
        guard NodeCode.isAncestorOrSelf(identity.code, of: conflict.resolver) else {
            let tier = NodeCode.role(of: conflict.resolver)?.chineseName ?? conflict.resolver
            throw StoreError("not_authorized", "冲突 \(id) 应由 \(conflict.resolver)（\(tier)）或其上级处理，本节点 \(identity.code) 无权处理",
                             details: ["id": id, "resolver": conflict.resolver])
        }
        let note = note.trimmingCharacters(in: .whitespaces)
        guard !note.isEmpty else { throw StoreError("note_required", "处理冲突必须写明处理意见（--note）") }
        var drafts = try keepDrafts(conflict, rule: rule, cases: cases, keep: keep, actor: actor)
        // A possible duplicate's resolution is recorded on every case of the set, so that a node
        // holding only some of them sees it settle its part (PossibleDuplicates.settlement).
        for number in rule == .possibleDuplicate ? cases : [entity] {
            drafts.append(ChangeDraft(actor: actor, entity: number, kind: ConflictKind.resolved, payload: [
                "conflict": .string(id), "rule": .string(rule.rawValue), "note": .string(note), "keep": .optional(keep),
            ]))
        }
        try record(drafts)
        guard let resolved = try conflicts().first(where: { $0.id == id }) else {
            throw StoreError("conflict_not_found", "本节点没有编号为 \(id) 的冲突记录", details: ["id": id])
        }
        return resolved
    }

    /// The changes `--keep` asks for before the resolution itself.
    private func keepDrafts(_ conflict: StoredConflict, rule: ConflictRule, cases: [String], keep: String?, actor: String) throws -> [ChangeDraft] {
        guard let keep, !keep.isEmpty else { return [] }
        switch rule {
        case .fieldLastWriter:
            guard let number = cases.first, let state = try caseState(number),
                case .object(let fields) = conflict.detail["values"]?["fields"] ?? .null
            else { return [] }
            var payload: [String: JSONValue] = [:]
            for (field, values) in fields.sorted(by: { $0.key < $1.key }) {
                let target: String?
                switch keep {
                case "winner": target = values["winner"]?.stringValue
                case "loser": target = values["loser"]?.stringValue
                default:
                    guard fields.count == 1 else {
                        throw StoreError("invalid_keep", "该冲突涉及多个字段，--keep 只能是 winner（保留后写值）或 loser（恢复被覆盖的值）")
                    }
                    target = keep
                }
                if let target, target != CaseConflictRules.value(of: field, in: state) { payload[field] = .string(target) }
            }
            if let phone = payload["phone"]?.stringValue {
                do {
                    _ = try PhoneNumber(validating: phone)
                } catch {
                    throw StoreError("invalid_phone", "联系电话无效：\(error)")
                }
            }
            return payload.isEmpty ? [] : [ChangeDraft(actor: actor, entity: number, kind: CaseAction.updateContact.kind, payload: .object(payload))]
        case .possibleDuplicate:
            guard cases.contains(keep) else {
                throw StoreError("invalid_keep", "--keep 应为该冲突中的办件编号之一：" + cases.joined(separator: "、"))
            }
            return try cases.filter { $0 != keep }.compactMap { other in
                guard let state = try caseState(other), CaseAction.withdraw.allowedFrom.contains(state.status) else { return nil }
                return ChangeDraft(actor: actor, entity: other, kind: CaseAction.withdraw.kind,
                                   payload: ["reason": .string("疑似重复申请，保留办件 \(keep)")])
            }
        default:
            throw StoreError("keep_not_supported", "规则 \(rule.rawValue)（\(rule.chineseName)）的冲突只记录处理意见，不支持 --keep")
        }
    }

    /// Re-derives the conflict records from the log when a migration asked for it (006_conflicts).
    func rebuildConflictsIfAsked() throws {
        guard try db.query("SELECT value FROM settings WHERE key = 'rebuild_conflicts'").first != nil else { return }
        try writeRecording { db in
            try db.run("DELETE FROM conflicts")
            try db.run("DELETE FROM conflict_cases")
            let entities = try db.query("SELECT DISTINCT entity FROM changes WHERE kind LIKE 'case.%' OR kind = ? ORDER BY entity",
                                        [.text(ConflictKind.resolved)]).compactMap { $0.text("entity") }
            try inCaseBatch(db: db) {
                for number in entities { keep(CaseHistory(number: number, changes: try changes(ofEntity: number)), replacing: nil) }
            }
            for change in try nonCaseChanges(db: db) {
                if let (rule, message) = ChangeKinds.problem(of: change) {
                    try recordConflict(for: change, rule: rule.rawValue, message: message, db: db)
                }
            }
            try db.run("DELETE FROM settings WHERE key = 'rebuild_conflicts'")
        }
    }

    func nonCaseChanges(db: Database) throws -> [Change] {
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes WHERE kind NOT LIKE 'case.%' AND kind <> ? ORDER BY lsn")
        try statement.bind(ConflictKind.resolved, at: 1)
        var result: [Change] = []
        while try statement.step() {
            if let change = try? NodeStore.decodeChange(statement) { result.append(change) }
        }
        return result
    }
}
