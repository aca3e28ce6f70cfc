import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongStore
@testable import LiandongSync

/// InProcessChannel is a second ParentChannel, in one file: it hands the signed requests to the
/// parent's SyncService directly, with no socket. That a whole exchange (changes both ways and a
/// file) runs over it unchanged shows the seam: a transport is one file, the decisions stay put.
final class InProcessChannel: ParentChannel {
    let child: NodeStore
    let service: SyncService
    /// The service's answers, by endpoint: what went over this channel.
    var calls: [String: Int] = [:]

    init(child: NodeStore, parent: NodeStore) {
        self.child = child
        self.service = SyncService(writer: StoreWriter(parent))
    }

    func send(_ method: String, _ path: String, body: [UInt8]) throws -> [UInt8] {
        var headers: [String: String] = [:]
        for (name, value) in try RequestSignature.headers(for: child, method: method, path: path, body: body, time: child.now()) {
            headers[name.lowercased()] = value
        }
        let request = HTTPServerRequest(method: method, path: path, headers: headers, body: body, remoteAddress: "in-process")
        let parts = path.split(separator: "/").map(String.init)  // sync, v1, endpoint | blobs, sha[, offset]
        calls[parts[2], default: 0] += 1
        let result = parts[2] == "blobs"
            ? service.handleBlob(request, sha256: parts[3], offset: parts.count > 4 ? parts[4] : nil)
            : service.handle(request, endpoint: parts[2])
        guard case .respond(let response) = result else { throw SyncError("internal", "a long-poll has no place in process") }
        guard response.status == 200 else {
            throw HTTPParentChannel.refusal(HTTPResponse(status: response.status, headers: [:], body: response.body))
        }
        return response.body
    }

    func message(_ endpoint: String, _ body: [UInt8]) throws -> MessageReader {
        try MessageReader.parse(try send("POST", "/sync/v1/" + endpoint, body: body), checkProtocol: false)
    }

    func hello(_ request: HelloRequest) throws -> HelloResponse { try HelloResponse(try message("hello", request.json.canonicalBytes)) }
    func push(_ push: PreparedPush) throws -> PushResponse { try PushResponse(try message("push", push.body)) }
    func pull(_ request: PullRequest) throws -> PullResponse { try PullResponse(try message("pull", request.json.canonicalBytes)) }
    func fetch(_ request: FetchRequest) throws -> FetchResponse { try FetchResponse(try message("fetch", request.json.canonicalBytes)) }

    func blobStatus(_ sha256: String) throws -> Int64 {
        try JSONParser.parse(try send("GET", "/sync/v1/blobs/" + sha256, body: []))["held"]?.intValue ?? 0
    }

    func putChunk(_ sha256: String, offset: Int64, bytes: [UInt8]) throws -> (held: Int64, complete: Bool) {
        let answer = try JSONParser.parse(try send("PUT", "/sync/v1/blobs/\(sha256)/\(offset)", body: bytes))
        return (answer["held"]?.intValue ?? 0, answer["complete"]?.boolValue == true)
    }

    func getChunk(_ sha256: String, offset: Int64) throws -> [UInt8] { try send("GET", "/sync/v1/blobs/\(sha256)/\(offset)", body: []) }
}

final class InProcessChannelTests: SyncTestCase {
    func testAWholeExchangeRunsOverAnotherChannelUnchanged() throws {
        try makeNodes()
        let township = InProcessChannel(child: store(Tree.township), parent: store(Tree.county))
        let village = InProcessChannel(child: store(Tree.village), parent: store(Tree.township))
        _ = try SyncClient(store: store(Tree.township), channel: township).syncOnce()
        _ = try SyncClient(store: store(Tree.village), channel: village).syncOnce()
        XCTAssertNotNil(try store(Tree.village).item(code: Items.countyDecided), "the catalog came down in process")

        let number = try accept(at: Tree.village, item: Items.countyDecided)
        let scan = root + "/scan.pdf"
        try Data(Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 7, count: 600_000)).write(to: URL(fileURLWithPath: scan))
        let sha = try XCTUnwrap(try store(Tree.village).attachFile(scan, to: number, material: "id_card", actor: "村-王").attachments.last?.sha256)
        try store(Tree.village).act(on: number, .forward, payload: [:], actor: "村-王")
        let client = SyncClient(store: store(Tree.village), channel: village)
        let up = try client.syncOnce()
        XCTAssertEqual(up.pushed, up.sent)
        XCTAssertGreaterThan(up.pushed, 0)
        let files = try client.blobPass()
        XCTAssertEqual(files.completed, [sha])
        XCTAssertEqual(files.uploadedBytes, 600_009)
        XCTAssertTrue(store(Tree.township).blobs.has(sha), "the file crossed in chunks and was installed by its hash")
        XCTAssertEqual(try store(Tree.township).caseState(number)?.status, .forwarded)

        // A decision comes back the same way; a second exchange sends and receives nothing.
        try store(Tree.township).act(on: number, .forward, payload: [:], actor: "镇-赵")
        _ = try SyncClient(store: store(Tree.township), channel: township).syncOnce()
        try store(Tree.county).act(on: number, .approve, payload: ["opinion": "符合条件"], actor: "县-钱")
        _ = try SyncClient(store: store(Tree.township), channel: township).syncOnce()
        let down = try client.syncOnce()
        XCTAssertGreaterThan(down.pulled, 0)
        XCTAssertEqual(try store(Tree.village).caseState(number)?.status, .approved)
        let quiet = try client.syncOnce()
        XCTAssertEqual([quiet.sent, quiet.received], [0, 0])
        XCTAssertEqual(try client.blobPass().uploadedBytes, 0)
        XCTAssertGreaterThan(village.calls["blobs"] ?? 0, 2)
    }
}
