import LiandongStore

/// ParentChannel is the link from a child to its parent, whatever carries it (Protocol/sync.md,
/// Protocol/blobs.md): the four change messages and the three blob calls. SyncClient decides what
/// to say (ExchangeRules); a channel only carries it. HTTP is one channel (HTTPParentChannel); a
/// future transport is one more file implementing this.
///
/// A refusal by the parent is thrown as its SyncError (code and message as sent); a broken link
/// as the transport's own error.
public protocol ParentChannel: AnyObject {
    func hello(_ request: HelloRequest) throws -> HelloResponse
    /// A batch of changes, oldest first, made ready to send (its body is PushRequest.body(batch)).
    func push(_ push: PreparedPush) throws -> PushResponse
    func pull(_ request: PullRequest) throws -> PullResponse
    func fetch(_ request: FetchRequest) throws -> FetchResponse
    /// How many bytes of the file the parent holds (its size when whole).
    func blobStatus(_ sha256: String) throws -> Int64
    /// Sends bytes at `offset`, which must be what the parent holds; returns what it holds now.
    func putChunk(_ sha256: String, offset: Int64, bytes: [UInt8]) throws -> (held: Int64, complete: Bool)
    /// Up to one chunk of a file the parent holds whole, from `offset`.
    func getChunk(_ sha256: String, offset: Int64) throws -> [UInt8]
}
