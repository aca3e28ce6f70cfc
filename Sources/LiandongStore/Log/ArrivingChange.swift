import Foundation
import LiandongDomain

/// ArrivingChange is a change from a neighbour with what its checks need of its bytes: the SHA-256
/// of its canonical body (check 2 compares it with the hash it carries) and the canonical text of
/// its payload, stored as it was hashed. Both are worked out before the store's writer is taken,
/// so that a push's decoding and hashing run beside the previous push's ingest, not inside it.
public struct ArrivingChange: Sendable {
    public let change: Change
    public let bodyHash: [UInt8]
    public let payloadText: ArraySlice<UInt8>

    public init(_ change: Change) {
        self.change = change
        let (body, payload) = change.encodedBody()
        bodyHash = SHA256.hash(body)
        payloadText = body[payload]
    }

    /// Prepares a batch on every core: encoding and hashing are the per-change work that needs
    /// nothing but the change itself.
    public static func prepare(_ changes: [Change]) -> [ArrivingChange] {
        let chunk = 256
        guard changes.count > chunk else { return changes.map(ArrivingChange.init) }
        let chunks = (changes.count + chunk - 1) / chunk
        let results = Results(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = index * chunk..<min(changes.count, (index + 1) * chunk)
            results.set(index, changes[range].map(ArrivingChange.init))
        }
        return results.joined
    }

    /// Per-chunk slots filled by `concurrentPerform`'s threads, each its own index.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [[ArrivingChange]]

        init(count: Int) { slots = Array(repeating: [], count: count) }

        func set(_ index: Int, _ value: [ArrivingChange]) { lock.withLock { slots[index] = value } }

        var joined: [ArrivingChange] { lock.withLock { Array(slots.joined()) } }
    }
}
