/// What the reducer refuses of a change no conflict rule claimed: the change stays in the log and
/// the record names why — `not_authorized` (the origin did not hold the case at the change's
/// place in the order), `invalid_payload` / `unknown_kind` (the county looks at it), or
/// `stale_transition` (a concurrent change had already moved the case on; the holder resolves it).
extension CaseConflictRules {
    public static func refusal(_ error: CaseError, of change: Change, on facts: Facts) -> Refusal {
        let rule: ConflictRule
        switch error {
        case .notAuthorized: rule = .notAuthorized
        case .invalidPayload, .materialsMissing, .caseExists: rule = .invalidPayload
        case .unknownKind: rule = .unknownKind
        default: rule = .staleTransition
        }
        let resolver = rule == .invalidPayload || rule == .unknownKind ? facts.root : facts.state.holder
        return Refusal(rule: rule, with: rule == .invalidPayload ? nil : facts.statusRef,
                       values: ["reason": .string(error.code), "status": .string(facts.state.status.rawValue), "refused": refused(change)],
                       message: error.message, resolver: resolver)
    }
}
