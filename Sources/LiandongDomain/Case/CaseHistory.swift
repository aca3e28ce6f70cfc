/// CaseHistory is one case derived from the set of its changes (DESIGN §6): the state folded by
/// CaseReducer in `(hlc, origin, seq)` order, plus what the conflict rules (CaseConflictRules, asked
/// before the reducer) say about the changes that did not apply as made. It is a pure value: two nodes holding the same changes derive equal
/// histories, and a change that sorts last extends it without a replay (`apply`).
public struct CaseHistory: Sendable {
    public let number: String
    public private(set) var state: CaseState?
    /// The place in the order of the last change folded in.
    public private(set) var last: ChangeRef?
    /// Conflicts the case's own changes raise, before resolutions are joined (ConflictResolution).
    public private(set) var records: [ConflictRecord] = []
    /// Case changes held before the acceptance: kept, applied when it arrives (history_pending, ConflictRules/HistoryPending.swift).
    public private(set) var early: [ChangeRef] = []
    /// The `conflict.resolved` changes recorded on this case.
    public private(set) var resolutions: [ConflictResolution] = []
    /// When the case became open (its acceptance) and stopped being open (decision, withdrawal), for possible_duplicate.
    public private(set) var opened: ChangeRef?
    public private(set) var closed: ChangeRef?
    /// Bumped whenever records, early changes or resolutions change, so that a store rewrites them only then.
    public private(set) var revision = 0

    private var decisionRef: ChangeRef?
    private var withdrawalRef: ChangeRef?
    /// The last applied change that moved the status: what a stale change competed with.
    private var statusRef: ChangeRef?
    /// The change that last wrote each contact field (field_last_writer, ConflictRules/FieldLastWriter.swift).
    public private(set) var fieldWriters: [String: ChangeRef] = [:]

    public init(number: String) {
        self.number = number
    }

    /// Replays a set of changes of the case: sorted, deduplicated by `(origin, seq)`, folded.
    public init(number: String, changes: [Change]) {
        self.number = number
        var seen = Set<ChangeID>()
        for change in changes.sorted(by: Change.precedes) where seen.insert(ChangeID(origin: change.origin, seq: change.seq)).inserted {
            try? apply(change, strict: false)
        }
    }

    /// The history_pending record while changes wait for the acceptance.
    public var pendingRecord: ConflictRecord? {
        state == nil ? CaseConflictRules.historyPending(number, waiting: early) : nil
    }

    /// Folds one change that sorts after everything folded so far. `strict` (a change being made
    /// here) throws the CaseError that refuses it and leaves the history as it was; otherwise the
    /// refusal becomes a conflict record and the change stays in the log.
    public mutating func apply(_ change: Change, strict: Bool) throws {
        let ref = ChangeRef(change)
        if change.kind == ConflictKind.resolved {
            if let state {
                if let problem = resolutionProblem(change, state: state), strict { throw problem }
            } else if strict {
                throw CaseError.caseNotFound(number)
            }
            if let resolution = ConflictResolution(change) {
                resolutions.append(resolution)
                revision += 1
            } else if !strict {
                reject(ref, rule: .invalidPayload, values: ["reason": "payload.conflict missing"],
                       message: "冲突处理记录缺少冲突编号", resolver: root)
            }
            last = ref
            return
        }
        guard let action = CaseAction(kind: change.kind) else {
            if strict { throw CaseError.unknownKind(change.kind) }
            reject(ref, rule: .unknownKind, values: ["kind": .string(change.kind)],
                   message: "未知的变更类型 \(change.kind)，已保留待新版本处理", resolver: root)
            last = ref
            return
        }
        if CaseConflictRules.waitsForAcceptance(action, on: state) {
            if strict { throw CaseError.caseNotFound(number) }
            early.append(ref)
            revision += 1
            last = ref
            return
        }
        // The conflict rules say first what happens to a change that arrives made apart; a change
        // made here is the reducer's alone (its maker saw the state it changes).
        let facts = state.map { CaseConflictRules.Facts(state: $0, decisionRef: decisionRef, withdrawalRef: withdrawalRef, statusRef: statusRef) }
        let verdict: CaseConflictRules.Verdict = strict ? .apply : facts.map { CaseConflictRules.verdict(for: change, action, on: $0) } ?? .apply
        switch verdict {
        case .refuse(let refusal):
            reject(ref, refusal)
        case .mergeLateMaterials(let materials, let refusal):
            if let current = state { state = CaseReducer.mergeLateMaterials(materials, of: change, into: current) }
            if let refusal { reject(ref, refusal) }
        case .apply:
            let before = state
            do {
                let next = try CaseReducer.apply(change, to: state)
                if action == .updateContact, let before {
                    for record in CaseConflictRules.fieldLastWriter(change, over: before, writers: fieldWriters) { reject(ref, record) }
                }
                track(action, change: change, ref: ref, before: before, after: next)
                state = next
                if action == .accept || action == .refuse { settleEarly() }
            } catch let error as CaseError {
                if strict { throw error }
                // What the reducer refuses of a change no rule claimed (a creation that does not read has no case to record it on).
                if let facts { reject(ref, CaseConflictRules.refusal(error, of: change, on: facts)) }
            }
        }
        last = ref
    }

    /// Why a resolution made here may not be recorded (the CLI checks the conflict itself).
    private func resolutionProblem(_ change: Change, state: CaseState) -> CaseError? {
        guard case .object = change.payload, change.payload["conflict"]?.stringValue != nil else {
            return .invalidPayload(field: "payload.conflict", reason: "缺少冲突编号")
        }
        return nil
    }

    /// The root of the tree the case lives in: the county that resolves what no lower tier can.
    private var root: String {
        guard let state else { return NodeCode.path(to: number.split(separator: "-").first.map(String.init) ?? number).first ?? "" }
        return NodeCode.path(to: state.acceptor).first ?? state.acceptor
    }

    private mutating func track(_ action: CaseAction, change: Change, ref: ChangeRef, before: CaseState?, after: CaseState) {
        if before?.status != after.status { statusRef = ref }
        switch action {
        case .accept, .refuse:
            for field in CaseConflictRules.contactFields { fieldWriters[field] = ref }
            if action == .accept { opened = ref }
        case .approve, .deny: decisionRef = ref
        case .withdraw: withdrawalRef = ref
        case .rehandle:
            // Open again: the earlier decision no longer stands. A refused case handled again keeps
            // no opening (its refusal, not an acceptance, carries the item: possible_duplicate and
            // item_version_at_acceptance judge acceptances only).
            decisionRef = nil
            if opened != nil { closed = nil }
        case .updateContact:
            for field in CaseConflictRules.writtenFields(change.payload) { fieldWriters[field] = ref }
        default: break
        }
        if opened != nil, closed == nil, !after.status.isOpen { closed = ref }
    }

    /// The acceptance arrived: changes held before it that sort after it are applied; any that
    /// sort before it (a clock gone wrong) are refused as stale.
    private mutating func settleEarly() {
        guard !early.isEmpty else { return }
        for ref in early { reject(ref, CaseConflictRules.waitedBeforeAcceptance(ref, holder: state?.holder ?? root)) }
        early.removeAll()
        revision += 1
    }

    private mutating func reject(_ ref: ChangeRef, rule: ConflictRule, values: JSONValue, message: String, resolver: String) {
        reject(ref, CaseConflictRules.Refusal(rule: rule, values: values, message: message, resolver: resolver))
    }

    /// Records what a rule says of a change (one that stays in the log, not applied, or for
    /// field_last_writer the value an applied one overwrote).
    private mutating func reject(_ ref: ChangeRef, _ refusal: CaseConflictRules.Refusal) {
        records.append(ConflictRecord(rule: refusal.rule, cases: [number], changes: [refusal.with, ref].compactMap { $0 }, values: refusal.values,
                                      message: refusal.message, outcome: refusal.outcome, resolver: refusal.resolver))
        revision += 1
    }

    /// The payload of a contact update made here: `seen` names the change that last wrote each field
    /// it writes, so that every node can tell a concurrent overwrite from a correction (field_last_writer).
    public func stampingSeen(_ payload: JSONValue) -> JSONValue {
        guard case .object(var fields) = payload, fields["seen"] == nil else { return payload }
        var seen: [String: JSONValue] = [:]
        for field in CaseConflictRules.writtenFields(payload) {
            if let writer = fieldWriters[field] { seen[field] = .string(writer.id.description) }
        }
        fields["seen"] = .object(seen)
        return .object(fields)
    }
}
