import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// Bad requests get their 4xx code and write nothing (Protocol/sync.md error codes).
final class SyncRefusalTests: SyncTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.village3])
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        _ = try accept(at: Tree.village, item: Items.townshipDecided)
    }

    var pushBody: [UInt8] {
        get throws {
            let changes = try store(Tree.village).changes(of: Tree.village, after: 0, limit: 10)
            return PushRequest(changes: changes).json.canonicalBytes
        }
    }

    /// Sends, checks status and code, and checks that the township wrote nothing.
    func assertRefused(
        _ status: Int, _ code: String, field: String? = nil, file: StaticString = #filePath, line: UInt = #line,
        _ send: () throws -> HTTPResponse
    ) throws {
        let before = try footprint(Tree.township)
        let response = try send()
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        let answer = try? json(response)
        XCTAssertEqual(answer?["error"]?.stringValue, code, response.text, file: file, line: line)
        XCTAssertNotNil(answer?["message"]?.stringValue, "every error has a message", file: file, line: line)
        if let field { XCTAssertEqual(answer?["field"]?.stringValue, field, response.text, file: file, line: line) }
        XCTAssertEqual(try footprint(Tree.township), before, "nothing written", file: file, line: line)
        XCTAssertFalse(try holds(Tree.township, origin: Tree.village, seq: 1), file: file, line: line)
    }

    func testTheSignedPushItselfIsAccepted() throws {
        let response = try rawRequest(to: Tree.township, "push", as: Tree.village, body: try pushBody)
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertTrue(try holds(Tree.township, origin: Tree.village, seq: 1))
    }

    func testMalformedJSONIsRefused() throws {
        try assertRefused(400, "malformed_json") { try rawRequest(to: Tree.township, "push", as: Tree.village, body: Array(#"{"protocol":1,"changes":["#.utf8)) }
    }

    func testWrongTypesNameTheField() throws {
        try assertRefused(400, "invalid_message", field: "changes") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: Array(#"{"protocol":1,"changes":"all"}"#.utf8))
        }
        try assertRefused(400, "invalid_message", field: "after") {
            try rawRequest(to: Tree.township, "pull", as: Tree.village, body: Array(#"{"protocol":1,"after":"0","limit":10,"wait":0}"#.utf8))
        }
        try assertRefused(400, "invalid_message", field: "wait") {
            try rawRequest(to: Tree.township, "pull", as: Tree.village, body: Array(#"{"protocol":1,"after":0,"limit":10,"wait":31}"#.utf8))
        }
        try assertRefused(400, "invalid_message", field: "heads.330106001201.hash") {
            try rawRequest(to: Tree.township, "hello", as: Tree.village, body: Array(
                #"{"protocol":1,"node":"330106001201","time":1,"heads":{"330106001201":{"seq":1,"hash":"zz"}}}"#.utf8))
        }
        try assertRefused(400, "invalid_message", field: "changes[0].payload") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: Array(#"{"protocol":1,"changes":[{"v":1,"seq":1}]}"#.utf8))
        }
    }

    func testAnOversizedBodyIsRefused() throws {
        var body = Array(#"{"protocol":1,"changes":[],"pad":""#.utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: 17 << 20)
        body += Array(#""}"#.utf8)
        try assertRefused(413, "body_too_large") { try rawRequest(to: Tree.township, "push", as: Tree.village, body: body) }
    }

    func testAnotherProtocolVersionIsRefused() throws {
        try assertRefused(400, "unsupported_protocol") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: Array(#"{"protocol":2,"changes":[]}"#.utf8))
        }
    }

    func testMissingAuthenticationHeadersAreRefused() throws {
        try assertRefused(401, "unauthenticated") { try rawRequest(to: Tree.township, "push", as: nil, body: try pushBody) }
    }

    func testABadSignatureIsRefused() throws {
        try assertRefused(401, "bad_signature") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: try pushBody, signature: String(repeating: "ab", count: 64))
        }
        // Signed by the village's key but for another body: past authentication, refused for its
        // content (a push carries 1–5000 changes).
        let other = try rawRequest(to: Tree.township, "push", as: Tree.village, body: Array(#"{"protocol":1,"changes":[]}"#.utf8))
        XCTAssertEqual(other.status, 400, other.text)
        XCTAssertEqual(try json(other)["field"]?.stringValue, "changes", other.text)
    }

    func testAStaleRequestIsRefused() throws {
        try assertRefused(401, "stale_request") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: try pushBody, time: clock.now - 10 * 60_000)
        }
    }

    func testAChildClockFarAheadIsToldByHowMuch() throws {
        try assertRefused(409, "clock_skew") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: try pushBody, time: clock.now + 10 * 60_000)
        }
        let hello = HelloRequest(node: Tree.village, time: clock.now + 10 * 60_000, heads: [:]).json.canonicalBytes
        let response = try rawRequest(to: Tree.township, "hello", as: Tree.village, body: hello)
        XCTAssertEqual(response.status, 409, response.text)
        XCTAssertEqual(try json(response)["aheadSeconds"]?.intValue.map { $0 >= 590 && $0 <= 600 }, true, response.text)
    }

    func testAReplayedNonceIsRefused() throws {
        let nonce = Hex.encode(try secureRandomBytes(16))
        let time = clock.now
        let hello = HelloRequest(node: Tree.village, time: time, heads: [:]).json.canonicalBytes
        XCTAssertEqual(try rawRequest(to: Tree.township, "hello", as: Tree.village, body: hello, time: time, nonce: nonce).status, 200)
        try assertRefused(401, "replayed_request") {
            try rawRequest(to: Tree.township, "hello", as: Tree.village, body: hello, time: time, nonce: nonce)
        }
    }

    func testARevokedNodeIsRefused() throws {
        let raw = try Database(path: directory(Tree.township) + "/" + NodeStore.databaseName)
        try raw.run("UPDATE nodes SET revoked_hlc = 1 WHERE code = ?", .text(Tree.village))
        try assertRefused(403, "revoked_node") { try rawRequest(to: Tree.township, "push", as: Tree.village, body: try pushBody) }
    }

    func testANodeOutsideTheSubtreeIsRefused() throws {
        try assertRefused(403, "not_a_child") { try rawRequest(to: Tree.township, "push", as: Tree.village3, body: try pushBody) }
        try assertRefused(403, "not_a_child") { try rawRequest(to: Tree.township, "push", as: Tree.county, body: try pushBody) }
    }

    func testAnUnknownNodeIsRefused() throws {
        let raw = try Database(path: directory(Tree.township) + "/" + NodeStore.databaseName)
        try raw.run("DELETE FROM nodes WHERE code = ?", .text(Tree.village))
        try assertRefused(401, "unknown_node") { try rawRequest(to: Tree.township, "push", as: Tree.village, body: try pushBody) }
    }

    func testFetchOfAnotherSubtreeIsRefused() throws {
        let body = FetchRequest(origin: Tree.county, after: 0, limit: 10).json.canonicalBytes
        try assertRefused(403, "not_a_child") { try rawRequest(to: Tree.township, "fetch", as: Tree.village, body: body) }
    }

    func testUnknownPathsAndWrongMethods() throws {
        try assertRefused(404, "not_found") { try rawRequest(to: Tree.township, "nothing", as: Tree.village, body: try pushBody) }
        try assertRefused(405, "method_not_allowed") {
            try rawRequest(to: Tree.township, "push", as: Tree.village, body: [], method: "GET")
        }
        let http = try HTTPClient()
        let url = servers[Tree.township]?.url ?? ""
        XCTAssertEqual(try http.perform(HTTPRequest(method: "POST", url: url + "/healthz")).status, 405)
        XCTAssertEqual(try http.perform(HTTPRequest(method: "GET", url: url + "/elsewhere")).status, 404)
        let health = try http.perform(HTTPRequest(url: url + "/healthz"))
        XCTAssertEqual(try json(health)["node"]?.stringValue, Tree.township)
    }
}
