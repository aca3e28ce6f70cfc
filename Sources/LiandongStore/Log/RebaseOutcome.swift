import LiandongDomain

/// RebaseOutcome is what a restored node did when it took back its own lost changes from its
/// parent (DESIGN §7, truth over cursors): what it adopted, what it already held, which changes made
/// since the restore it set aside and signed again after them, and which case numbers it had to change.
public struct RebaseOutcome: Sendable, Equatable {
    /// A case number given out again after a restore, changed so that it names one case only.
    public struct Renumbering: Sendable, Equatable {
        public let oldNumber: String
        public let newNumber: String
        /// When the number was changed, in epoch milliseconds.
        public let at: Int64

        public init(oldNumber: String, newNumber: String, at: Int64) {
            self.oldNumber = oldNumber
            self.newNumber = newNumber
            self.at = at
        }

        /// What staff must do: the applicant holds a receipt with the old number.
        public var message: String {
            "办件编号 \(oldNumber) 在恢复备份后被重复使用（恢复前已发给另一件办件），本件已改为 \(newNumber)。请通知申请人并重新打印受理回执。"
        }
    }

    /// A change made since the restore that the rules no longer apply once the lost changes are back
    /// (the same step was already taken before the restore): not recorded again, kept in
    /// `rebase_set_aside` for staff. `change` is its seq before the rebase.
    public struct Refused: Sendable, Equatable {
        public let change: ChangeID
        public let reason: String
        public let message: String
    }

    /// The parent's copies stored here, in seq order.
    public var adopted: [ChangeID] = []
    /// Copies this node already held, byte for byte.
    public var alreadyHeld = 0
    /// This node's own changes made since the restore at seqs the parent held other changes for:
    /// removed from the log and recorded again after the adopted ones.
    public var setAside: [ChangeID] = []
    /// The set-aside changes as recorded again (new seq, HLC and signature), in order.
    public var rerecorded: [ChangeID] = []
    public var renumbered: [Renumbering] = []
    public var refused: [Refused] = []

    public init() {}

    /// Whether anything changed here.
    public var changedAnything: Bool { !adopted.isEmpty || !rerecorded.isEmpty }

    /// One line for staff, in Chinese.
    public var summary: String {
        var text = "从上级取回本节点丢失的变更 \(adopted.count) 条"
        if !setAside.isEmpty { text += "；恢复后新办的 \(setAside.count) 条变更已重新编号签名" }
        if !renumbered.isEmpty { text += "；\(renumbered.count) 件办件编号已更改，请通知申请人" }
        if !refused.isEmpty { text += "；\(refused.count) 条恢复后办理的步骤与取回的记录冲突，未重新记录，请核对" }
        return text
    }

    public var json: JSONValue {
        [
            "adopted": .int(Int64(adopted.count)), "alreadyHeld": .int(Int64(alreadyHeld)),
            "setAside": .int(Int64(setAside.count)), "rerecorded": .int(Int64(rerecorded.count)),
            "renumbered": .array(renumbered.map {
                ["old": .string($0.oldNumber), "new": .string($0.newNumber), "at": .int($0.at), "message": .string($0.message)]
            }),
            "refused": .array(refused.map { ["change": .string($0.change.description), "reason": .string($0.reason), "message": .string($0.message)] }),
            "message": .string(summary),
        ]
    }
}

/// RestoreState is how this node's own chain stands against the head its parent holds of it.
public enum RestoreState: Sendable, Equatable {
    /// The parent holds exactly this node's chain.
    case inStep
    /// The parent holds a prefix of this node's chain: push the rest.
    case ahead(by: Int64)
    /// The parent holds more of this node's chain than this node (restored from a backup): fetch this
    /// node's origin after `fetchAfter` and pass the copies to `adoptOwnChanges`, before pushing.
    case behind(fetchAfter: Int64)
    /// The parent holds a different change at a seq this node holds (restored, then made new changes):
    /// fetch after `fetchAfter` and pass the copies to `adoptOwnChanges`; never push before that.
    case diverged(fetchAfter: Int64)

    /// The seq after which to fetch this node's own chain from the parent, when a fetch is needed.
    public var fetchAfter: Int64? {
        switch self {
        case .inStep, .ahead: return nil
        case .behind(let seq), .diverged(let seq): return seq
        }
    }
}
