/// CountyPublication is what the county publishes for every node, as one entity of it stands: a
/// catalog item, a calendar year, a county setting. Each entity keeps its last valid publication,
/// last writer by `(hlc, origin)`, so that every replica ends with the same item, year and setting
/// whatever order the changes reached it in (DESIGN §6). The store keeps one row per entity and
/// asks `replaces` before writing; `verify` folds the whole log with `fold` and compares.
public struct CountyPublication: Sendable, Equatable {
    public enum Subject: Sendable, Equatable {
        case item(ServiceItem)
        case calendarYear(CalendarYear)
        /// A county setting, by its change kind (`settings.*`), with the payload as published.
        case setting(kind: String, JSONValue)
    }

    public var subject: Subject
    public var hlc: HLC
    public var origin: String
    /// The seq of the change that published it, in its origin's chain.
    public var seq: Int64

    /// The publication a change makes, or nil when it makes none: not a county publication, or
    /// refused by the table of kinds (ChangeKinds), which then becomes a conflict record.
    public init?(_ change: Change) {
        guard ChangeKinds.family(of: change.kind) == .countyPublication, ChangeKinds.problem(of: change) == nil else { return nil }
        switch change.kind {
        case CatalogKind.itemPublished:
            guard let item = try? ServiceItem.parse(change.payload) else { return nil }
            subject = .item(item)
        case CatalogKind.calendarYearSet:
            guard let year = try? CalendarYear.parse(change.payload) else { return nil }
            subject = .calendarYear(year)
        default:
            subject = .setting(kind: change.kind, change.payload)
        }
        hlc = change.hlc
        origin = change.origin
        seq = change.seq
    }

    /// The entity it stands for: `item:CODE`, `calendar:YEAR`, or the setting's kind.
    public var entity: String {
        switch subject {
        case .item(let item): return EntityName.item(item.code)
        case .calendarYear(let year): return EntityName.calendar(year.year)
        case .setting(let kind, _): return kind
        }
    }

    /// What a node keeps of it, as canonical JSON.
    public var json: JSONValue {
        switch subject {
        case .item(let item): return item.json
        case .calendarYear(let year): return year.json
        case .setting(_, let payload): return payload
        }
    }

    /// Whether it replaces the publication held for its entity (identified by its HLC and origin):
    /// the later HLC wins, and of two at the same HLC the larger origin code.
    public func replaces(heldHLC: HLC, heldOrigin: String) -> Bool {
        hlc > heldHLC || (hlc == heldHLC && heldOrigin.utf8.lexicographicallyPrecedes(origin.utf8))
    }

    /// Every entity's standing publication after the changes, in any order.
    public static func fold<S: Sequence>(_ changes: S) -> [String: CountyPublication] where S.Element == Change {
        var standing: [String: CountyPublication] = [:]
        for change in changes {
            guard let publication = CountyPublication(change) else { continue }
            if let held = standing[publication.entity], !publication.replaces(heldHLC: held.hlc, heldOrigin: held.origin) { continue }
            standing[publication.entity] = publication
        }
        return standing
    }
}
