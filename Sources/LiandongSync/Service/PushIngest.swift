import LiandongDomain
import LiandongStore

/// PushIngest is what a parent does with changes a child sends up, however they came (an HTTP
/// push, or a USB bundle): the same decoding, the same ingest checks, the same quarantine.
public struct PushIngest {
    public var changes: [Change] = []
    /// The changes with their bodies hashed, done when the push is decoded (before the writer is taken).
    var arriving: [ArrivingChange] = []
    /// Items that did not decode, quarantined under their readable identity.
    var malformed: [(origin: String, seq: Int64, hash: [UInt8], message: String, wire: String)] = []

    /// Decodes the items of a push; an item that cannot even be named refuses the whole batch.
    public init(_ items: [JSONValue]) throws {
        for (index, (item, decoded)) in zip(items, ArrivingChange.decode(items)).enumerated() {
            do {
                let change = try decoded.get()
                arriving.append(change)
                changes.append(change.change)
            } catch let error as ChangeDecodeError {
                // Quarantined only when it can be named: a division code and a seq from 1.
                guard let origin = item["origin"]?.stringValue, let seq = item["seq"]?.intValue else {
                    throw SyncError.invalid("changes[\(index)].\(error.field)", error.reason)
                }
                guard NodeCode.role(of: origin) != nil else {
                    throw SyncError.invalid("changes[\(index)].origin", "应为 6、9 或 12 位行政区划代码")
                }
                guard seq >= 1 else { throw SyncError.invalid("changes[\(index)].seq", "应为从 1 起的整数，收到 \(seq)") }
                let hash = item["hash"]?.stringValue.flatMap(Hex.decode).flatMap { $0.count == 32 ? $0 : nil }
                    ?? SHA256.hash(item.canonicalBytes)
                malformed.append((origin, seq, hash, "变更 \(origin)#\(seq) 的字段 \(error.field) 不正确：\(error.reason)", item.canonicalString))
            }
        }
    }

    /// Ingests into `store` as sent by `node`; returns how many were stored and the push answer.
    public func apply(to store: NodeStore, from node: String, log: (String) -> Void) throws -> (stored: Int, answer: PushResponse) {
        for bad in malformed {
            try store.quarantineMalformed(origin: bad.origin, seq: bad.seq, hash: bad.hash, message: bad.message, wire: bad.wire, from: node)
        }
        let outcome = try store.ingest(arriving, from: node, contactProtocol: SyncProtocol.version)
        // A restored node whose own changes came back in this push may end its wait.
        if changes.contains(where: { $0.origin == store.identity.code }) {
            do { try store.settleHeal() } catch { log("restore heal of \(store.identity.code) cannot end yet: \(error)") }
        }
        var heads: Heads = [:]
        for origin in Set(changes.map(\.origin) + malformed.map(\.origin)) {
            let head = try store.chainHead(of: origin)
            heads[origin] = Head(seq: head.seq, hash: head.hash)
        }
        let hashes = Dictionary(changes.map { ("\($0.origin)#\($0.seq)", $0.hash) }, uniquingKeysWith: { first, _ in first })
        var reports = malformed.map {
            SyncReport(origin: $0.origin, seq: $0.seq, hash: Hex.encode($0.hash), reason: "malformed_change", message: $0.message)
        }
        reports += outcome.quarantined.map { SyncReport($0, hash: hashes["\($0.change.origin)#\($0.change.seq)"] ?? []) }
        return (outcome.stored.count, PushResponse(stored: Int64(outcome.stored.count), duplicates: Int64(outcome.duplicates), quarantined: reports, heads: heads))
    }
}
