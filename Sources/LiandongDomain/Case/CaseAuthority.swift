/// CaseAuthority is who may make a case's change or a resolution of one of its conflicts, judged
/// on the change alone, so that every receiver judges it the same whatever else it holds (DESIGN
/// §7, check 9 of a push). Whether the origin held the case at the change's place in the order is
/// the reducer's: a refusal there is a conflict record, never a quarantine that one node would apply
/// and another not.
public enum CaseAuthority {
    /// Why `change` (a case's or a resolution) may not come from its origin; nil when it may, or
    /// when it is neither.
    public static func problem(_ change: Change) -> String? {
        if change.kind == ConflictKind.resolved { return resolutionProblem(change) }
        guard let action = CaseAction(kind: change.kind) else { return nil }
        if action == .accept || action == .refuse {
            // The item snapshot names the origin's tier among those that accept it: the reducer
            // cannot refuse the origin's authority, so it need not parse the whole item here.
            if let role = NodeCode.role(of: change.origin), change.payload["item"]?["acceptAt"]?.arrayValue?.contains(.string(role.rawValue)) == true {
                return nil
            }
            do {
                _ = try CaseReducer.apply(change, to: nil)
            } catch CaseError.notAuthorized(_, _, let reason) {
                return reason
            } catch {}
            return nil
        }
        if action.party == .county, NodeCode.role(of: change.origin) != .county {
            return "节点 \(change.origin) 无权\(action.chineseName)：只有县级中心可以"
        }
        // No item is decided at a village (decideAt is township or county): a village's decision is refused on its face.
        if action.party == .decider, NodeCode.role(of: change.origin) == .village {
            return "村级节点 \(change.origin) 无权\(action.chineseName)：事项只由乡镇或县级决定"
        }
        return isPartyOrAbove(change.origin, of: change.parties) ? nil : "节点 \(change.origin) 不是办件 \(change.entity) 的当事节点或其上级"
    }

    /// A resolution must name a conflict, come from a party of the case or above, and only the
    /// county resolves the county's rules. Whether its origin is the conflict's resolver is checked
    /// where the conflict is derived.
    static func resolutionProblem(_ change: Change) -> String? {
        guard case .object = change.payload, let id = change.payload["conflict"]?.stringValue, !id.isEmpty else {
            return "冲突处理记录缺少冲突编号"
        }
        guard isPartyOrAbove(change.origin, of: change.parties) else {
            return "节点 \(change.origin) 不是办件 \(change.entity) 的当事节点或其上级"
        }
        let rule = change.payload["rule"]?.stringValue.flatMap(ConflictRule.init(rawValue:))
        if [.decisionFinal, .possibleDuplicate, .invalidPayload, .unknownKind].contains(rule), NodeCode.role(of: change.origin) != .county {
            return "规则 \(rule?.rawValue ?? "") 的冲突只能由县级处理"
        }
        return nil
    }

    /// Whether `origin` is one of the case's parties or a node above one.
    public static func isPartyOrAbove(_ origin: String, of parties: [String]) -> Bool {
        parties.contains { NodeCode.isAncestorOrSelf(origin, of: $0) }
    }
}
