/// material_add_only (材料只增不减): supplement materials received at a node that sort after their
/// round closed (the other side recorded the rest, or the case moved on) are still added to the
/// case — a material on file is never lost — but the status does not move. When any of them was
/// new, a record says so: `material_add_only` for the node holding the case, or `decision_final`
/// when a decision by another node already stands.
extension CaseConflictRules {
    /// A supplement received after its round closed, by a party that may record one, naming
    /// materials of the item. A payload the reducer would not read is left to the reducer.
    static func lateSupplementMaterials(_ change: Change, _ action: CaseAction, _ facts: Facts) -> Verdict? {
        let state = facts.state
        guard action == .recordSupplement, !action.allowedFrom.contains(state.status),
            (try? CaseReducer.checkForm(change)) != nil,
            (try? CaseReducer.authorize(action, origin: change.origin, state: state)) != nil
        else { return nil }
        let known = Set(state.item.materials.map(\.id))
        let wanted = ((try? PayloadReader(change.payload).strings("materials")) ?? []).filter(known.contains)
        guard !wanted.isEmpty else { return nil }
        let added = Array(Set(wanted).subtracting(state.materials)).sorted()
        guard !added.isEmpty else { return .mergeLateMaterials(wanted, nil) }
        let afterDecision = state.decision != nil && change.origin != state.decision?.by
        return .mergeLateMaterials(wanted, Refusal(
            rule: afterDecision ? .decisionFinal : .materialAddOnly, with: afterDecision ? facts.decisionRef : facts.statusRef,
            values: ["added": .strings(added), "status": .string(state.status.rawValue)],
            message: "\(change.origin) 收到的补正材料在本轮补正结束后才排入（当前状态「\(state.status.chineseName)」）",
            outcome: afterDecision ? "材料已并入，决定不变" : "材料已并入办件（只增不减），状态不变",
            resolver: afterDecision ? facts.root : state.holder))
    }
}
