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
        onEveryCore(changes, ArrivingChange.init)
    }

    /// Reads the items of a push into changes and prepares them, on every core, in their order:
    /// an item that does not read as a change is its decoding error, for the caller to judge.
    public static func decode(_ items: [JSONValue]) -> [Result<ArrivingChange, any Error>] {
        onEveryCore(items) { item in Result { ArrivingChange(try Change(wire: item)) } }
    }

    /// `transform` of each element, in order, spread over the cores in chunks of 256.
    static func onEveryCore<Element: Sendable, Value: Sendable>(_ elements: [Element], _ transform: @Sendable (Element) -> Value) -> [Value] {
        let chunk = 256
        guard elements.count > chunk else { return elements.map(transform) }
        let chunks = (elements.count + chunk - 1) / chunk
        let results = Results<Value>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = index * chunk..<min(elements.count, (index + 1) * chunk)
            results.set(index, elements[range].map(transform))
        }
        return results.joined
    }

    /// Per-chunk slots filled by `concurrentPerform`'s threads, each its own index.
    private final class Results<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [[Value]]

        init(count: Int) { slots = Array(repeating: [], count: count) }

        func set(_ index: Int, _ value: [Value]) { lock.withLock { slots[index] = value } }

        var joined: [Value] { lock.withLock { Array(slots.joined()) } }
    }
}
