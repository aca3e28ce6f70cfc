/// The heal of a node restored from a backup (DESIGN §7, truth over cursors): before it records
/// anything new it takes back its own changes from every neighbour that holds them, so that no seq
/// and no case number already printed on a receipt is given out twice. Its parent it can call (fetch,
/// NodeStore+Rebase): it waits until one exchange has brought back what the parent holds of its
/// chain. Its children it cannot call, so it waits until each has said hello and reported the head
/// it holds of the restored node's chain, and until what they hold is back. A collision found on the way is a fork, recorded, never a silent loss. An operator may
/// end the wait for a child that will never come back; that decision is a change (`node.healed`).
public enum RestoreHeal {
    /// The change a node records when its heal ends with something lost or waived: its payload
    /// names the node, how the wait ended, the children waived and the seqs of its own chain that
    /// no replica returned (`verify` accepts exactly those gaps).
    public static let healedKind = "node.healed"

    /// The words staff see wherever a write is refused during the wait for children (status, CLI, API).
    public static let waitingMessage = "恢复中：等待下级回传本节点的变更"
    /// The same while the parent has not yet been reached.
    public static let waitingForParentMessage = "恢复中：等待上级回传本节点的变更"

    /// What a child reported of the restored node's chain in its hello: its head seq and hash.
    public struct Report: Sendable, Equatable {
        public var seq: Int64
        public var hash: [UInt8]

        public init(seq: Int64, hash: [UInt8]) {
            self.seq = seq
            self.hash = hash
        }
    }

    /// Where one child stands in the heal.
    public enum ChildState: String, Sendable, Equatable {
        /// No hello from it since the restore.
        case notReported = "not_reported"
        /// It holds changes of this node beyond what is held here: they are on their way up.
        case returning
        /// Everything it holds of this node's chain is held here identically.
        case returned
        /// It holds a different change at a seq held here: recorded as a fork.
        case forked
        /// The operator ended the wait for it.
        case waived

        /// Whether the node still waits for it.
        public var owes: Bool { self == .notReported || self == .returning }
    }

    /// Where the whole node stands.
    public enum State: Sendable, Equatable {
        /// Never restored, or healed since the last restore.
        case healed
        /// Restored and waiting for the children named (in code order), and for the parent when
        /// `parent` names it.
        case waiting(pending: [String], parent: String? = nil)

        public var isWaiting: Bool {
            if case .waiting = self { return true }
            return false
        }

        /// Every neighbour still owed, the parent first.
        public var pendingNeighbours: [String] {
            guard case .waiting(let pending, let parent) = self else { return [] }
            return (parent.map { [$0] } ?? []) + pending
        }

        /// One line for staff, in Chinese.
        public var message: String? {
            guard case .waiting(let pending, let parent) = self else { return nil }
            var parts: [String] = []
            if let parent { parts.append("\(RestoreHeal.waitingForParentMessage)（上级 \(parent) 尚未联系上）") }
            if !pending.isEmpty { parts.append("\(RestoreHeal.waitingMessage)（尚未回传：\(pending.joined(separator: "、"))）") }
            return parts.joined(separator: "；") + "。同步完成后自动解除；确认某节点不会再回来（或暂时联系不上而必须先办件）时，"
                + "可运行 liandong heal end --reason 原因 结束等待"
        }
    }

    /// How one child stands, from its report and the hash held here at the reported seq
    /// (`heldHash` nil when that seq is not held here).
    public static func childState(report: Report?, heldHash: [UInt8]?, waived: Bool) -> ChildState {
        guard let report else { return waived ? .waived : .notReported }
        if report.seq <= 0 { return .returned }
        guard let heldHash else { return waived ? .waived : .returning }
        return heldHash == report.hash ? .returned : .forked
    }

    /// The node's state: healed when it was not restored since its last heal, or when no neighbour
    /// (the parent, named with its state, and the children) still owes a report or changes. A forked
    /// neighbour owes nothing: its fork is on the record.
    public static func state(restored: Bool, children: [String: ChildState], parent: (code: String, state: ChildState)? = nil) -> State {
        guard restored else { return .healed }
        let pending = children.filter { $0.value.owes }.keys.sorted()
        let parentOwes = parent.flatMap { $0.state.owes ? $0.code : nil }
        return pending.isEmpty && parentOwes == nil ? .healed : .waiting(pending: pending, parent: parentOwes)
    }

    /// The seqs of the node's own chain up to `head` that no replica returned: the gaps in `held`
    /// (the seqs held here, any order). These existed only at the node after its backup.
    public static func lostSeqs(held: [Int64], head: Int64) -> [Int64] {
        let present = Set(held)
        guard head > 0 else { return [] }
        return (1...head).filter { !present.contains($0) }
    }

    /// The seq after which the node's chain continues: past the highest seq any replica reported,
    /// so that no seq is given out twice.
    public static func continuation(ownHead: Int64, reports: [Report]) -> Int64 {
        max(ownHead, reports.map(\.seq).max() ?? 0)
    }

    /// Lost seqs as staff read them: runs collapsed ("#3–#5、#9").
    public static func describe(_ seqs: [Int64]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = seqs.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "#\(sorted[index])" : "#\(sorted[index])–#\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: "、")
    }
}
