/// ChangeRef names a change in a conflict record: its identity, kind and place in the order.
public struct ChangeRef: Hashable, Sendable {
    public var origin: String
    public var seq: Int64
    public var kind: String
    public var hlc: HLC
    public var actor: String
    public var wall: Int64

    public init(_ change: Change) {
        origin = change.origin
        seq = change.seq
        kind = change.kind
        hlc = change.hlc
        actor = change.actor
        wall = change.wall
    }

    public var id: ChangeID { ChangeID(origin: origin, seq: seq) }

    public var json: JSONValue {
        ["change": .string(id.description), "kind": .string(kind), "origin": .string(origin), "actor": .string(actor),
         "wall": .int(wall), "hlc": .int(hlc.rawValue)]
    }

    /// True when this change sorts before `other` in `(hlc, origin, seq)`.
    public func precedes(_ other: ChangeRef) -> Bool {
        if hlc != other.hlc { return hlc < other.hlc }
        if origin != other.origin { return origin.utf8.lexicographicallyPrecedes(other.origin.utf8) }
        return seq < other.seq
    }
}

/// ConflictRecord is one conflict as every node holding its changes derives it: the rule, the
/// cases, the competing changes and their values, what the rules did, and the node whose tier
/// should resolve it. Its content is a pure function of the changes it names, so its id
/// (SHA-256 of the rule and the sorted change ids, ConflictRecord.idMaterial) is the same everywhere.
public struct ConflictRecord: Hashable, Sendable {
    public var rule: ConflictRule
    /// The case numbers it concerns (two for a possible duplicate), sorted.
    public var cases: [String]
    public var changes: [ChangeRef]
    public var values: JSONValue
    public var message: String
    public var outcome: String
    /// The node whose tier resolves it (it, or any node above it); empty when it settles by itself.
    public var resolver: String

    public init(rule: ConflictRule, cases: [String], changes: [ChangeRef], values: JSONValue, message: String, outcome: String, resolver: String) {
        self.rule = rule
        self.cases = cases.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.changes = changes.sorted { $0.precedes($1) }
        self.values = values
        self.message = message
        self.outcome = outcome
        self.resolver = resolver
    }

    /// What the id hashes: the rule and the sorted ids of the competing changes.
    public var idMaterial: String {
        ([rule.rawValue] + changes.map(\.id).sorted().map(\.description)).joined(separator: "\n")
    }

    /// The HLC of the latest competing change: when the conflict came to be.
    public var createdHLC: HLC { changes.map(\.hlc).max() ?? .zero }

    /// The tier of the resolver, by its code (county, township, village).
    public var resolverRole: Role? { NodeCode.role(of: resolver) }

    /// Whether `origin` may resolve it: the resolver itself or a node above it (the county always can).
    public func mayBeResolved(by origin: String) -> Bool {
        rule.isResolvable && !resolver.isEmpty && NodeCode.isAncestorOrSelf(origin, of: resolver)
    }

    /// The record's content without its id and resolution (canonical JSON, identical at every node).
    public var json: JSONValue {
        ["rule": .string(rule.rawValue), "ruleName": .string(rule.chineseName), "cases": .strings(cases),
         "changes": .array(changes.map(\.json)), "values": values, "message": .string(message), "outcome": .string(outcome),
         "resolver": .string(resolver), "resolverTier": .optional(resolverRole?.rawValue)]
    }
}

/// ConflictResolution is a `conflict.resolved` change as read from the log.
public struct ConflictResolution: Hashable, Sendable {
    public var conflict: String
    /// The rule it names (`payload.rule`), as its maker saw it.
    public var rule: String?
    public var note: String
    public var keep: String?
    public var ref: ChangeRef

    /// Reads a resolution change; nil when its payload does not name a conflict.
    public init?(_ change: Change) {
        guard change.kind == ConflictKind.resolved, case .object(let fields) = change.payload,
            let id = fields["conflict"]?.stringValue, !id.isEmpty
        else { return nil }
        conflict = id
        rule = fields["rule"]?.stringValue
        note = fields["note"]?.stringValue ?? ""
        keep = fields["keep"]?.stringValue
        ref = ChangeRef(change)
    }

    public var json: JSONValue {
        ["change": .string(ref.id.description), "by": .string(ref.origin), "actor": .string(ref.actor), "wall": .int(ref.wall),
         "note": .string(note), "keep": .optional(keep)]
    }

    /// The first resolution in `(hlc, origin, seq)` order that `record` allows, or nil.
    public static func first(for record: ConflictRecord, id: String, in resolutions: [ConflictResolution]) -> ConflictResolution? {
        resolutions.filter { $0.conflict == id && record.mayBeResolved(by: $0.ref.origin) }.min { $0.ref.precedes($1.ref) }
    }
}
