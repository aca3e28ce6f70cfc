/// Clock safety (DESIGN §6, clock sanity): one village PC whose clock was wrong must never cut the
/// village off. A node learns its parent's time from every exchange; it refuses to record while its
/// own clock is far from the parent's (a change stamped years ahead would be refused upstream, one
/// stamped years behind would sort before what it follows and put wrong dates on the record), and
/// warns at once past a minute. Once the clock is right again, its own changes that never reached
/// the parent and carry a reading from the wrong clock are stamped and signed again.
public enum ClockSafety {
    /// Past this difference staff are warned at once.
    public static let warnMillis: Int64 = 60 * 1000
    /// Past this difference nothing is recorded: the same limit the parent applies to changes (HybridClock).
    public static let refuseMillis: Int64 = HybridClock.defaultMaxSkewMillis

    /// What the comparison of the two clocks says.
    public enum Verdict: Sendable, Equatable {
        case inStep
        /// Off by more than a minute: record, but tell staff now.
        case warn(offsetMillis: Int64)
        /// Off by more than the limit: refuse to record.
        case refuse(offsetMillis: Int64)

        public var offsetMillis: Int64 {
            switch self {
            case .inStep: return 0
            case .warn(let offset), .refuse(let offset): return offset
            }
        }
    }

    /// Judges this node's clock (`local`) against its estimate of the parent's (`parent`), both in
    /// epoch milliseconds. A positive offset is this node ahead. No estimate, no judgement.
    public static func judge(local: Int64, parent: Int64?) -> Verdict {
        guard let parent else { return .inStep }
        let offset = local - parent
        if abs(offset) > refuseMillis { return .refuse(offsetMillis: offset) }
        if abs(offset) > warnMillis { return .warn(offsetMillis: offset) }
        return .inStep
    }

    /// The root (the county) has no parent to compare with: its children's clocks stand in for one.
    /// `childOffsets` are its direct children's offsets from it as measured at their hellos (positive:
    /// the child ahead). When at least two children agree, all off beyond the limit in the same
    /// direction, the root's own clock is the likely wrong one and it refuses to record; when the
    /// children's median is off by more than a minute, it warns. One child alone only warns.
    public static func judgeRoot(childOffsets: [Int64]) -> Verdict {
        guard !childOffsets.isEmpty else { return .inStep }
        let sorted = childOffsets.sorted()
        let median = sorted[sorted.count / 2]
        // The root's offset from its children: the opposite of theirs from it.
        let offset = -median
        let agree = childOffsets.count >= 2
            && (childOffsets.allSatisfy { $0 > refuseMillis } || childOffsets.allSatisfy { $0 < -refuseMillis })
        if agree { return .refuse(offsetMillis: offset) }
        if abs(offset) > warnMillis { return .warn(offsetMillis: offset) }
        return .inStep
    }

    /// The parent's time now, from what it said at the last exchange and how long ago that was on a
    /// clock that does not jump (the monotonic clock of the same boot): a jump of the wall clock
    /// does not move the estimate. Nil when the measurement was taken in another boot.
    public static func parentNow(parentTimeAtContact: Int64, monotonicAtContact: Int64, monotonicNow: Int64,
                                 sameBoot: Bool) -> Int64? {
        guard sameBoot, monotonicNow >= monotonicAtContact else { return nil }
        return parentTimeAtContact + (monotonicNow - monotonicAtContact)
    }

    /// The Chinese refusal naming both times.
    /// `reference` names whose time it is: the parent (上级), or for the county its townships (各乡镇).
    public static func refusal(local: Int64, parent: Int64, reference: String = "上级") -> String {
        let offset = local - parent
        let direction = offset > 0 ? "快" : "慢"
        return "本机时钟（\(format(local))）比\(reference)（\(format(parent))）\(direction) \(duration(abs(offset)))，"
            + "超过 \(refuseMillis / 60_000) 分钟，已拒绝记录。请先校准本机时钟（与北京时间一致）再办理"
    }

    /// The Chinese warning naming both times.
    public static func warning(offsetMillis offset: Int64, local: Int64, reference: String = "上级") -> String {
        let direction = offset > 0 ? "快" : "慢"
        return "本机时钟（\(format(local))）比\(reference)（\(format(local - offset))）\(direction) \(duration(abs(offset)))，请尽快校准"
    }

    /// The first of a node's own changes not yet held by its parent (seq above `acknowledged`) that
    /// carries a reading more than the limit ahead of `now`: it and every later own change are
    /// stamped again (their hashes change, so the chain after them too). Nil when none is.
    /// `own` is (seq, hlc) of the node's own changes, any order.
    public static func firstToRestamp(own: [(seq: Int64, hlc: HLC)], acknowledged: Int64, now: Int64) -> Int64? {
        own.filter { $0.seq > acknowledged && $0.hlc.physicalMillis - now > refuseMillis }.map(\.seq).min()
    }

    /// The clock reading to continue from once the wrong readings are gone: the largest reading of
    /// every change kept (`kept`), so that a new change still sorts after all it may have seen.
    public static func recoveredClock(kept: HLC?) -> HLC { kept ?? .zero }

    /// The wall time a change keeps when it is stamped again: its own when it was plausible, else
    /// the time of the re-stamp (the best known bound: the change existed by then).
    public static func restampedWall(_ wall: Int64, now: Int64) -> Int64 {
        wall - now > refuseMillis ? now : wall
    }

    static func format(_ millis: Int64) -> String {
        let seconds = millis / 1000 + 8 * 3600
        let date = LocalDate(epochMillis: millis)
        let second = ((seconds % 86400) + 86400) % 86400
        let hh = second / 3600, mm = second / 60 % 60, ss = second % 60
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date.iso) \(two(hh)):\(two(mm)):\(two(ss))"
    }

    static func duration(_ millis: Int64) -> String {
        let seconds = millis / 1000
        if seconds >= 86400 * 365 { return "约 \(seconds / (86400 * 365)) 年" }
        if seconds >= 86400 { return "约 \(seconds / 86400) 天" }
        if seconds >= 3600 { return "约 \(seconds / 3600) 小时" }
        if seconds >= 60 { return "\(seconds / 60) 分 \(seconds % 60) 秒" }
        return "\(seconds) 秒"
    }
}
