/// CaseConflictRules say, before the reducer runs, what happens to a change of a case that arrives
/// made apart from the changes already folded (DESIGN §6, Protocol/conflicts.md). Each rule is a
/// small function in a file named for it; `verdict` asks them in order, and a change no rule claims
/// goes to the reducer (CaseReducer), the only writer of case state. What the reducer still
/// refuses becomes the generic record of `RefusedByReducer.swift`.
///
/// A change made here is not judged by these rules: its maker saw the state it changes, so the
/// reducer alone accepts or refuses it (CaseHistory.apply, `strict`).
///
/// CaseHistory.apply asks the rules of a case change in this order:
/// 1. `waitsForAcceptance` / `historyPending` (HistoryPending.swift): no state yet, the change waits;
///    when the acceptance arrives, `waitedBeforeAcceptance` refuses those that sort before it.
/// 2. `rules` below, on the state: the first that claims the change decides.
/// 3. The reducer; what it refuses is `refusal` (RefusedByReducer.swift).
/// 4. `fieldLastWriter` (FieldLastWriter.swift), after the reducer applied a contact update.
public enum CaseConflictRules {
    /// What happens to a change.
    public enum Verdict: Sendable, Equatable {
        /// The reducer folds it (and may still refuse it).
        case apply
        /// It stays in the log, not applied; the refusal is recorded.
        case refuse(Refusal)
        /// Late supplement materials: the reducer adds them to the case (materials are add-only),
        /// the status does not move; a refusal is recorded when any of them was new.
        case mergeLateMaterials([String], Refusal?)
    }

    /// A conflict record about the change, before its case number and the change itself are added.
    public struct Refusal: Sendable, Equatable {
        public var rule: ConflictRule
        /// The change it competed with, when there is one.
        public var with: ChangeRef?
        public var values: JSONValue
        public var message: String
        public var outcome: String
        /// The node whose tier resolves it.
        public var resolver: String

        public init(rule: ConflictRule, with: ChangeRef? = nil, values: JSONValue, message: String,
                    outcome: String = "该变更保留在日志中，未生效", resolver: String) {
            self.rule = rule
            self.with = with
            self.values = values
            self.message = message
            self.outcome = outcome
            self.resolver = resolver
        }
    }

    /// What the history knows when a change arrives: the state, and the changes that made it stand.
    public struct Facts: Sendable {
        public var state: CaseState
        /// The approval or denial standing, the withdrawal, and the last change that moved the status.
        public var decisionRef: ChangeRef?
        public var withdrawalRef: ChangeRef?
        public var statusRef: ChangeRef?

        public init(state: CaseState, decisionRef: ChangeRef?, withdrawalRef: ChangeRef?, statusRef: ChangeRef?) {
            self.state = state
            self.decisionRef = decisionRef
            self.withdrawalRef = withdrawalRef
            self.statusRef = statusRef
        }

        /// The county the case belongs to: it resolves what no lower tier can.
        public var root: String { NodeCode.path(to: state.acceptor).first ?? state.acceptor }
    }

    /// The rules, in the order they are asked: the first that claims the change decides.
    static let rules: [@Sendable (Change, CaseAction, Facts) -> Verdict?] = [
        lateSupplementMaterials,
        withdrawalAfterDecision,
        decisionAfterWithdrawal,
        editAfterDecision,
    ]

    /// What happens to a case change (not a creation, not a resolution) arriving on an existing case.
    public static func verdict(for change: Change, _ action: CaseAction, on facts: Facts) -> Verdict {
        for rule in rules {
            if let verdict = rule(change, action, facts) { return verdict }
        }
        return .apply
    }

    /// The change as it was refused, for a record's values.
    static func refused(_ change: Change) -> JSONValue {
        ["kind": .string(change.kind), "payload": change.payload]
    }
}
