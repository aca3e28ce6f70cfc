/// DuplicateGroup is the cases of one applicant (ID number) for one item: where a possible
/// duplicate is looked for.
public struct DuplicateGroup: Hashable, Sendable {
    public var applicant: String
    public var item: String

    public init(applicant: String, item: String) {
        self.applicant = applicant
        self.item = item
    }

    /// The group a case belongs to.
    public init(_ state: CaseState) {
        self.init(applicant: state.applicant.idNumber, item: state.item.code)
    }
}

/// possible_duplicate (Protocol/conflicts.md): the cases of one applicant and item whose open spans
/// (acceptance to decision, withdrawal or refusal, in the order of changes) overlap make one record
/// per maximal set of cases linked by overlaps, not one per pair: a group of N cases open at once
/// costs one record, not N². The record names the set's acceptances, so its id is the same at every
/// node holding them and changes when the set grows or splits.
public enum PossibleDuplicates {
    /// One possible duplicate: the record, its id and the resolution that settles it, if any.
    public struct Found: Equatable, Sendable {
        public var record: ConflictRecord
        public var id: String
        public var resolution: ConflictResolution?
    }

    /// The possible duplicates among `histories` (of any groups; a case with no acceptance held is in
    /// none). For a set to be whole, `histories` must hold every case whose span overlaps one of its
    /// cases: the store loads them by index, verify passes every case. `id` names a record (the store
    /// hashes ConflictRecord.idMaterial). `settlement` says which resolution settles each set.
    public static func found(in histories: [CaseHistory], id: (ConflictRecord) -> String) -> [Found] {
        var groups: [DuplicateGroup: [(history: CaseHistory, state: CaseState, opened: ChangeRef)]] = [:]
        for history in histories {
            guard let state = history.state, let opened = history.opened else { continue }
            groups[DuplicateGroup(state), default: []].append((history, state, opened))
        }
        var found: [Found] = []
        for (_, members) in groups {
            let spans = members.map { OpenSpan(opened: Order($0.opened), closed: $0.history.closed.map(Order.init)) }
            for set in OpenSpans.overlappingSets(spans) {
                let cases = set.map { members[$0] }
                let record = record(cases.map { ($0.state, $0.opened) })
                let name = id(record)
                let resolution = settlement(of: record, id: name, by: cases.map(\.history.resolutions))
                found.append(Found(record: record, id: name, resolution: resolution))
            }
        }
        return found.sorted { $0.record.cases.lexicographicallyPrecedes($1.record.cases) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
    }

    /// The resolution that settles a set, from the resolver's tier or above, the first in order of:
    /// - one naming the set's id, recorded on any of its cases (a set the resolver saw as it is here);
    /// - one naming a set that every case of this one carries a resolution of. `conflicts resolve`
    ///   records the resolution on every case of the set it resolves, so a set all of whose cases
    ///   carry it lies inside the resolved one: a node that holds only some of the cases (a village
    ///   does not hold the township's), or a set that split when a late change arrived, is settled
    ///   by the county's resolution of the whole. A set that grew has a case that carries none: it
    ///   is open again, and the older resolution stays in the log, settling what it named.
    /// `resolutions` holds the resolutions recorded on each case of the set.
    public static func settlement(of record: ConflictRecord, id: String, by resolutions: [[ConflictResolution]]) -> ConflictResolution? {
        let allowed = resolutions.map { $0.filter { record.mayBeResolved(by: $0.ref.origin) } }
        var carried: Set<String>?
        for held in allowed {
            let named = Set(held.filter { $0.rule == ConflictRule.possibleDuplicate.rawValue }.map(\.conflict))
            carried = carried.map { $0.intersection(named) } ?? named
        }
        return allowed.joined().filter { $0.conflict == id || carried?.contains($0.conflict) == true }.min { $0.ref.precedes($1.ref) }
    }

    /// The record of one set of cases of the same applicant and item (two or more), each with its
    /// acceptance. The case with the lowest number comes first and names the resolver (its county).
    public static func record(_ cases: [(state: CaseState, opened: ChangeRef)]) -> ConflictRecord {
        let sorted = cases.sorted { $0.state.number.utf8.lexicographicallyPrecedes($1.state.number.utf8) }
        let first = sorted[0].state
        let applicant = Masking.idNumber(first.applicant.idNumber)
        let listed: JSONValue = .array(sorted.map {
            ["number": .string($0.state.number), "acceptor": .string($0.state.acceptor), "acceptedOn": .string($0.state.acceptedOn.iso)]
        })
        let named = sorted.map { "\($0.state.number)（\($0.state.acceptor)）" }.joined(separator: "、")
        return ConflictRecord(
            rule: .possibleDuplicate, cases: sorted.map(\.state.number), changes: sorted.map(\.opened),
            values: ["applicant": .string(applicant), "item": .string(first.item.code), "cases": listed],
            message: "申请人 \(applicant) 的「\(first.item.name)」有 \(sorted.count) 件同时在办：\(named)",
            outcome: "各件均保留、照常办理，请县级核实是否重复申请", resolver: NodeCode.path(to: first.acceptor).first ?? first.acceptor)
    }

    /// A change's place in the order `(hlc, origin, seq)`, as a point of an open span.
    struct Order: Comparable {
        var ref: ChangeRef
        init(_ ref: ChangeRef) { self.ref = ref }
        static func < (a: Order, b: Order) -> Bool { a.ref.precedes(b.ref) }
        static func == (a: Order, b: Order) -> Bool { a.ref.id == b.ref.id }
    }
}
