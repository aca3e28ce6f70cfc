/// ChangeDraft is a change before the log gives it its identity, clock reading, chain link and
/// signature: what a command decided to record.
public struct ChangeDraft: Sendable, Hashable {
    public var actor: String
    public var entity: String
    public var kind: String
    public var payload: JSONValue

    public init(actor: String, entity: String, kind: String, payload: JSONValue) {
        self.actor = actor
        self.entity = entity
        self.kind = kind
        self.payload = payload
    }
}

/// Entity names for what is not a case: catalog items, calendar years, nodes and county settings.
/// A case's entity is its case number.
public enum EntityName {
    public static func item(_ code: String) -> String { "item:" + code }
    public static func calendar(_ year: Int) -> String { "calendar:\(year)" }
    public static func node(_ code: String) -> String { "node:" + code }
    public static let settings = "settings"
    /// The routing key of a change every node receives (catalog, calendar, registry).
    public static let everyone = "*"
}
