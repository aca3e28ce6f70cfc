// TEMPORARY: replaced by the catalog module from wt-cal at merge.
public struct Material: Hashable, Sendable {
    public var id: String
    public var name: String
    public var required: Bool
}
public enum ItemKind: String, Sendable { case immediate, promised }
public struct ServiceItem: Hashable, Sendable {
    public var code: String
    public var name: String
    public var version: Int
    public var kind: ItemKind
    public var acceptAt: [Role]
    public var decideAt: Role
    public var legalLimit: TimeLimit
    public var promisedLimit: TimeLimit
    public var materials: [Material]
    public var toleratedMissing: Bool
    public var supplementPausesClock: Bool
    public var resultName: String?
    public var json: JSONValue { .null }
    public static func parse(_ json: JSONValue) throws -> ServiceItem { throw CaseError.unknownKind("") }
    public func missingMaterials(provided: Set<String>) -> [Material] { materials.filter { $0.required && !provided.contains($0.id) } }
}
