import LiandongDomain
import LiandongStore

/// PreparedPush is a push made ready to send: the batch, its message text (PushRequest.body), the
/// SHA-256 the request signature covers and the gzip the wire carries. SyncClient makes the next
/// one while the parent ingests the one before (issue 11: the next push's body is ready when the
/// answer comes), so the only work left between two pushes is signing the request.
public struct PreparedPush: Sendable {
    public let batch: [EncodedChange]
    public let body: [UInt8]
    /// SHA-256 of `body` in lower-case hex, as the request signature names it (Protocol/sync.md).
    public let bodyDigest: String
    /// The body as sent: gzip'd when that saves anything worth a header, nil to send it as it is.
    public let gzipped: [UInt8]?

    /// Bodies up to this size go as they are (a hello-sized push gains nothing from gzip).
    public static let gzipFrom = 1024

    public init(_ batch: [EncodedChange]) throws {
        self.batch = batch
        body = PushRequest.body(batch)
        bodyDigest = SHA256.hex(body)
        gzipped = body.count > Self.gzipFrom ? try Gzip.compress(body) : nil
    }

    /// What the parent's heads become when it stores the whole batch (ExchangeRules.acknowledged
    /// with an answer that names nothing beyond it).
    public func headsIfStored(_ heads: Heads) -> Heads {
        ExchangeRules.acknowledged(heads, sent: batch.map { ($0.origin, $0.seq, $0.hash) }, answer: [:])
    }
}
