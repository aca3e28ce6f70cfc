import Foundation
import LiandongStore

/// StoreBox lends one NodeStore to one thread at a time: the server's handlers run on
/// libmicrohttpd's pool threads and NodeStore is not Sendable.
///
/// `@unchecked Sendable`: the store is only reached inside `with`, under the lock.
public final class StoreBox: @unchecked Sendable {
    private let lock = NSLock()
    private let store: NodeStore
    public let code: String
    public let role: String

    public init(_ store: NodeStore) {
        self.store = store
        code = store.identity.code
        role = store.identity.role.rawValue
    }

    public func with<T>(_ body: (NodeStore) throws -> T) rethrows -> T {
        try lock.withLock { try body(store) }
    }
}
