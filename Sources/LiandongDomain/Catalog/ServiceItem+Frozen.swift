import Synchronization

extension ServiceItem {
    /// The item frozen into a case's acceptance (`payload.item`), parsed as `parse` does. Every case
    /// accepted under one version of an item carries the same object, and a push brings thousands:
    /// the last items read are kept by their JSON, so that each version is parsed once, not once
    /// per case. A JSON that differs in any byte is another key, so the answer is always `parse`'s.
    public static func frozen(_ json: JSONValue) throws -> ServiceItem {
        if let item = FrozenItems.shared.item(for: json) { return item }
        let item = try parse(json)
        FrozenItems.shared.keep(item, for: json)
        return item
    }
}

/// FrozenItems holds the items `ServiceItem.frozen` parsed last, at most `limit` (a county's
/// catalog is a few hundred items; past the bound it starts afresh).
final class FrozenItems: Sendable {
    static let shared = FrozenItems()
    static let limit = 512

    private let items = Mutex<[Key: ServiceItem]>([:])

    func item(for json: JSONValue) -> ServiceItem? {
        items.withLock { $0[Key(json: json)] }
    }

    func keep(_ item: ServiceItem, for json: JSONValue) {
        items.withLock { items in
            if items.count >= Self.limit { items.removeAll(keepingCapacity: true) }
            items[Key(json: json)] = item
        }
    }

    /// An item's JSON as a key: hashed by its code and version only (hashing a whole tree of
    /// dictionaries costs about what parsing it does), compared whole.
    struct Key: Hashable {
        let json: JSONValue

        func hash(into hasher: inout Hasher) {
            hasher.combine(json["code"])
            hasher.combine(json["version"])
        }
    }
}
