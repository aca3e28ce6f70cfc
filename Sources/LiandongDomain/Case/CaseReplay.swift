/// CaseReplay is the state of a case re-derived from a set of its changes (DESIGN §6): sorted by
/// `(hlc, origin, seq)`, deduplicated by `(origin, seq)`, folded through CaseReducer. Changes the
/// rules do not apply stay in `rejected`, each with the error that a conflict record will show.
public struct CaseReplay: Sendable {
    public var state: CaseState?
    public var rejected: [(change: Change, error: CaseError)]

    public init(changes: [Change]) {
        var seen = Set<ChangeID>()
        let ordered = changes.sorted(by: Change.precedes).filter { seen.insert(ChangeID(origin: $0.origin, seq: $0.seq)).inserted }
        var state: CaseState?
        var rejected: [(Change, CaseError)] = []
        for change in ordered {
            do {
                state = try CaseReducer.apply(change, to: state)
            } catch let error as CaseError {
                rejected.append((change, error))
            } catch {
                rejected.append((change, .invalidPayload(field: "payload", reason: "\(error)")))
            }
        }
        // The state as CaseHistory derives it (late supplement materials merged, DESIGN §6).
        self.state = CaseHistory(number: ordered.first?.entity ?? "", changes: ordered).state
        self.rejected = rejected
    }
}

/// ChangeID is a change's identity everywhere: its origin and its sequence number there.
public struct ChangeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var origin: String
    public var seq: Int64

    public init(origin: String, seq: Int64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (a: ChangeID, b: ChangeID) -> Bool {
        a.origin != b.origin ? a.origin.utf8.lexicographicallyPrecedes(b.origin.utf8) : a.seq < b.seq
    }

    public var description: String { "\(origin)#\(seq)" }
}
