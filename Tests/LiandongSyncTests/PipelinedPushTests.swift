import XCTest

@testable import LiandongDomain
@testable import LiandongStore
@testable import LiandongSync

/// SideDoorChannel passes everything to an InProcessChannel, and before the first push lets a
/// test hand the parent some changes by another way (a USB bundle, say), so that the push answer
/// names heads beyond the batch that was sent.
final class SideDoorChannel: ParentChannel {
    let inner: InProcessChannel
    var beforeFirstPush: (() throws -> Void)?
    var pushedBatches: [Int] = []

    init(_ inner: InProcessChannel) { self.inner = inner }

    func hello(_ request: HelloRequest) throws -> HelloResponse { try inner.hello(request) }
    func push(_ push: PreparedPush) throws -> PushResponse {
        if let side = beforeFirstPush {
            beforeFirstPush = nil
            try side()
        }
        pushedBatches.append(push.batch.count)
        return try inner.push(push)
    }
    func pull(_ request: PullRequest) throws -> PullResponse { try inner.pull(request) }
    func fetch(_ request: FetchRequest) throws -> FetchResponse { try inner.fetch(request) }
    func blobStatus(_ sha256: String) throws -> Int64 { try inner.blobStatus(sha256) }
    func putChunk(_ sha256: String, offset: Int64, bytes: [UInt8]) throws -> (held: Int64, complete: Bool) {
        try inner.putChunk(sha256, offset: offset, bytes: bytes)
    }
    func getChunk(_ sha256: String, offset: Int64) throws -> [UInt8] { try inner.getChunk(sha256, offset: offset) }
}

/// SyncClient makes the next push while the parent ingests the one before, guessing that the
/// parent stores the whole batch. These tests check that the guess never sends a change twice or
/// skips one: when the answer says more than the guess, the next batch is made again.
final class PipelinedPushTests: SyncTestCase {
    private func villageWithCases(_ count: Int) throws -> (channel: SideDoorChannel, client: SyncClient) {
        try makeNodes()
        _ = try SyncClient(store: store(Tree.township), channel: InProcessChannel(child: store(Tree.township), parent: store(Tree.county))).syncOnce()
        let channel = SideDoorChannel(InProcessChannel(child: store(Tree.village), parent: store(Tree.township)))
        _ = try SyncClient(store: store(Tree.village), channel: channel).syncOnce()
        for _ in 0..<count { _ = try accept(at: Tree.village, item: Items.countyDecided) }
        let client = SyncClient(store: store(Tree.village), channel: channel)
        client.sizer = BatchSizer(size: 2)
        return (channel, client)
    }

    func testBatchesMadeAheadSendEveryChangeOnce() throws {
        let (channel, client) = try villageWithCases(13)
        try client.hello()
        let pushed = try client.pushAll()
        XCTAssertEqual(pushed.count, 13)
        XCTAssertEqual(pushed.sent, 13, "no change went twice")
        XCTAssertEqual(channel.pushedBatches, [2, 4, 7], "each batch doubles, as BatchSizer says")
        XCTAssertEqual(try store(Tree.township).chainHead(of: Tree.village).seq, try store(Tree.village).chainHead(of: Tree.village).seq)
    }

    func testAnAnswerBeyondTheGuessHasTheNextBatchMadeAgain() throws {
        let (channel, client) = try villageWithCases(13)
        try client.hello()
        let village = store(Tree.village)
        let held = try store(Tree.township).chainHead(of: Tree.village).seq
        // Before the first push lands, the township gets the village's next 8 changes another way:
        // the answer's heads pass the 2 the push carried, so the batch made ahead (from change 3) is stale.
        // Read through the client's writer: the batch being made ahead reads the same store meanwhile.
        channel.beforeFirstPush = {
            let side = try client.writer.with { try $0.encodedChanges(of: Tree.village, after: held, limit: 8) }
            _ = try channel.inner.push(PreparedPush(side))
        }
        let pushed = try client.pushAll()
        XCTAssertEqual(pushed.sent, 2 + 5, "the first batch, then only the 5 changes the township still lacked")
        XCTAssertEqual(pushed.count, 5)
        // Made from the guess, the second batch would have been changes 3–6 and 13 would have gone.
        XCTAssertEqual(channel.pushedBatches, [2, 4, 1])
        XCTAssertEqual(try store(Tree.township).chainHead(of: Tree.village).seq, try village.chainHead(of: Tree.village).seq)
    }
}
