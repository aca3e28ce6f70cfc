/// item_version_at_acceptance (DESIGN §6): a case accepted under an older version of its item than
/// the county's latest publication that sorts before the acceptance. The case keeps the version it
/// was accepted under (the applicant was told those materials and limits); the record tells the
/// decider that the county had already changed the item.
public enum ItemVersionAtAcceptance {
    /// One county publication of the item: the change that made it and the version it published.
    public typealias Publication = (ref: ChangeRef, version: Int64)

    /// The record for a case opened by `opened`, given the county's publications of its item in
    /// any order; nil when the case's version is the latest published before it.
    public static func record(_ state: CaseState, opened: ChangeRef, publications: [Publication]) -> ConflictRecord? {
        var latest: Publication?
        for publication in publications where publication.ref.precedes(opened) {
            if let held = latest, !held.ref.precedes(publication.ref) { continue }
            latest = publication
        }
        guard let latest, latest.version > Int64(state.item.version) else { return nil }
        return ConflictRecord(
            rule: .itemVersionAtAcceptance, cases: [state.number], changes: [latest.ref, opened],
            values: ["item": .string(state.item.code), "caseVersion": .int(Int64(state.item.version)), "publishedVersion": .int(latest.version)],
            message: "\(state.acceptor) 按事项「\(state.item.name)」第 \(state.item.version) 版受理，县级此前已发布第 \(latest.version) 版",
            outcome: "办件按受理时的第 \(state.item.version) 版办理，新版本不改写办件", resolver: state.decider)
    }
}
