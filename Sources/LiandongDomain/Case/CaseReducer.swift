/// CaseReducer folds changes into a CaseState. It is the only thing that writes case state
/// (DESIGN §3): the CLI checks a new change by applying it here before it is signed, and every
/// replica replays the same changes in the same order to the same state.
public enum CaseReducer {
    /// Applies one change. `state` is nil before the case exists. Throws the CaseError that keeps
    /// the rules from applying it; the caller keeps the change in the log and records a conflict.
    public static func apply(_ change: Change, to state: CaseState?) throws -> CaseState {
        guard let action = CaseAction(kind: change.kind) else { throw CaseError.unknownKind(change.kind) }
        try checkForm(change)
        let payload = PayloadReader(change.payload)
        guard var state else {
            switch action {
            case .accept, .refuse: return try create(change, action: action, payload: payload)
            default: throw CaseError.caseNotFound(change.entity)
            }
        }
        if action == .accept || action == .refuse { throw CaseError.caseExists(state.number) }
        guard action.allowedFrom.contains(state.status) else {
            throw CaseError.transitionNotAllowed(action: action, status: state.status, allowed: CaseAction.allowed(for: state))
        }
        try authorize(action, origin: change.origin, state: state)
        let summary = try transition(&state, action: action, change: change, payload: payload)
        state.timeline.append(Step(kind: change.kind, origin: change.origin, seq: change.seq, actor: change.actor, wall: change.wall, summary: summary))
        return state
    }

    /// Checks what every case change must be whatever the state: an object payload, text within
    /// the text rules, a named actor.
    public static func checkForm(_ change: Change) throws {
        // Every case payload is an object; PayloadReader would read a non-object as "all fields absent".
        guard case .object = change.payload else {
            throw CaseError.invalidPayload(field: "payload", reason: "应为对象，实际为\(change.payload.chineseTypeName)")
        }
        try TextRules.checkPayload(change.payload)
        if let problem = TextRules.problem(change.actor, TextRules.actor) { throw CaseError.invalidPayload(field: "actor", reason: problem) }
    }

    /// Adds supplement materials received after their round closed (CaseConflictRules, material_add_only):
    /// materials are add-only, so they join the case; the status, the holder and the round do not move.
    public static func mergeLateMaterials(_ materials: [String], of change: Change, into state: CaseState) -> CaseState {
        var state = state
        let added = Set(materials).subtracting(state.materials)
        state.materials.formUnion(materials)
        state.timeline.append(Step(kind: change.kind, origin: change.origin, seq: change.seq, actor: change.actor, wall: change.wall,
                                   summary: added.isEmpty ? "补正材料（已在案，合并为一份）" : "补正材料（补正已结束，材料并入）"))
        return state
    }

    /// Checks that the origin may take `action` on this case (DESIGN §8: authority is data, CaseAction.party).
    public static func authorize(_ action: CaseAction, origin: String, state: CaseState) throws {
        let allowed: Bool
        let reason: String
        switch action.party {
        case .acceptingRole:
            allowed = true
            reason = ""
        case .holder:
            allowed = origin == state.holder
            reason = "办件当前在 \(state.holder)"
        case .decider:
            allowed = origin == state.decider
            reason = "该事项由 \(state.decider)（\(state.item.decideAt.chineseName)）决定"
        case .resultPath:
            // The collection point chosen at acceptance delivers whichever node decided, after any transfer.
            allowed = NodeCode.isOnPath(origin, between: state.decider, and: state.collectAt)
            reason = "结果在 \(state.decider) 与领取地 \(state.collectAt) 之间流转"
        case .anyParty:
            allowed = state.parties.contains(origin) || state.parties.contains(where: { NodeCode.isAncestorOrSelf(origin, of: $0) })
            reason = "该节点不是办件的当事节点"
        case .county:
            let county = NodeCode.path(to: state.acceptor).first ?? state.acceptor
            allowed = origin == county
            reason = "只有办件所属的县级中心 \(county) 可以责令重新办理"
        }
        if !allowed { throw CaseError.notAuthorized(action: action, origin: origin, reason: reason) }
    }

    /// The case parties after adding `codes`, kept sorted so that equal sets encode equally.
    static func addingParties(_ parties: [String], _ codes: [String]) -> [String] {
        Array(Set(parties).union(codes)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
