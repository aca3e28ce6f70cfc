import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync
import XCTest

/// Enrollment over real HTTP on loopback: the transport's server runs `Enrollment.respond` on a
/// real county database, and real child nodes enroll through `Enrollment.enroll` (libcurl).
final class EnrollmentTests: XCTestCase {
    private var root = ""
    private var server: HTTPServer?
    private let countyCode = "330127"
    private let township = "330127101"

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "liandong-enroll-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        server?.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A county that registered itself, served on 127.0.0.1 port 0; each request opens its own store, as a server thread would.
    private func serveCounty() throws -> (county: NodeStore, url: String) {
        let directory = root + "/county"
        let county = try NodeStore.initialize(directory: directory, role: .county, code: countyCode, name: "淳安县政务服务中心")
        try county.registerSelf()
        let server = try HTTPServer(configuration: .init(host: "127.0.0.1", port: 0)) { request in
            guard request.path == Enrollment.path else { return .respond(HTTPServerResponse(status: 404, body: Array("not here".utf8))) }
            let store = try NodeStore.open(directory: directory)
            return .respond(Enrollment.respond(to: request, store: store))
        }
        self.server = server
        return (county, "http://127.0.0.1:\(server.port)")
    }

    private func child(_ code: String = "330127101", role: Role = .township, name: String = "千岛湖镇") throws -> NodeStore {
        try NodeStore.initialize(directory: root + "/" + code + "-" + UUID().uuidString, role: role, code: code, name: name)
    }

    private func assertEnrollmentError(_ code: String, status: Int, file: StaticString = #filePath, line: UInt = #line,
                                       _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected \(code)", file: file, line: line)
        } catch let error as EnrollmentError {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            XCTAssertEqual(error.status, status, "\(error)", file: file, line: line)
            XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        } catch {
            XCTFail("expected EnrollmentError \(code), got \(error)", file: file, line: line)
        }
    }

    /// POSTs raw bytes to the enroll endpoint and returns the status and the parsed body.
    private func post(_ url: String, _ body: String, method: String = "POST") throws -> (status: Int, json: JSONValue) {
        let response = try HTTPClient().perform(HTTPRequest(method: method, url: url + Enrollment.path, body: Array(body.utf8)))
        return (response.status, try JSONParser.parse(response.body))
    }

    func testAChildEnrollsOverHTTPAndTrustsTheRegistry() throws {
        let (county, url) = try serveCounty()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "千岛湖镇")
        let town = try child()
        let grant = try Enrollment.enroll(parentURL: url + "/", token: invitation.token, identity: town.identity)
        XCTAssertEqual(grant.parent.code, countyCode)
        XCTAssertEqual(grant.parent.publicKey, county.identity.publicKey)
        try town.trustRegistry(grant.registry + [grant.parent])
        XCTAssertEqual(try town.registryEntry(of: countyCode)?.publicKey, county.identity.publicKey)
        XCTAssertEqual(try county.registryEntry(of: township)?.publicKey, town.identity.publicKey)

        // The county's log now holds the registration, and the township can check everything the county signed.
        let batch = try county.changes(afterLSN: 0, limit: 100).map(\.change)
        XCTAssertEqual(batch.map(\.kind), [NodeKind.registered, NodeKind.registered])
        let outcome = try town.ingest(batch, from: countyCode)
        XCTAssertEqual(outcome.quarantined, [])
        XCTAssertTrue(try town.verify().isClean)
        XCTAssertTrue(try county.verify().isClean)
    }

    func testARepeatFromTheSameKeyGetsTheSameGrantAndAnotherKeyIsRefused() throws {
        let (county, url) = try serveCounty()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "千岛湖镇")
        let town = try child()
        let first = try Enrollment.enroll(parentURL: url, token: invitation.token, identity: town.identity)
        let again = try Enrollment.enroll(parentURL: url, token: invitation.token, identity: town.identity)
        XCTAssertEqual(first, again)
        let impostor = try child()
        assertEnrollmentError("invalid_token", status: 403) { _ = try Enrollment.enroll(parentURL: url, token: invitation.token, identity: impostor.identity) }
    }

    func testTheParentsRefusalsArriveWithTheirCodes() throws {
        let (county, url) = try serveCounty()
        let town = try child()
        assertEnrollmentError("invalid_token", status: 403) { _ = try Enrollment.enroll(parentURL: url, token: "nope", identity: town.identity) }
        let invitation = try county.addEnrollment(code: township, role: .township, name: "千岛湖镇")
        let other = try child("330127102", name: "千岛湖镇")
        assertEnrollmentError("code_mismatch", status: 403) { _ = try Enrollment.enroll(parentURL: url, token: invitation.token, identity: other.identity) }
        let expiring = try county.addEnrollment(code: "330127103", role: .township, name: "某镇", ttl: .milliseconds(1))
        Thread.sleep(forTimeInterval: 0.01)
        let late = try child("330127103", name: "某镇")
        assertEnrollmentError("token_expired", status: 403) { _ = try Enrollment.enroll(parentURL: url, token: expiring.token, identity: late.identity) }

        _ = try Enrollment.enroll(parentURL: url, token: invitation.token, identity: town.identity)
        try county.revoke(code: township, reason: "测试", actor: "admin")
        assertEnrollmentError("revoked_node", status: 403) { _ = try Enrollment.enroll(parentURL: url, token: invitation.token, identity: town.identity) }
    }

    func testRequestsAreDecodedStrictlyNamingTheBadField() throws {
        let (_, url) = try serveCounty()
        let key = String(repeating: "ab", count: 32)
        let valid = #""token":"t","code":"330127101","role":"township","name":"千岛湖镇","publicKey":"\#(key)""#

        var answer = try post(url, "{not json")
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.json["error"]?.stringValue, "malformed_json")

        answer = try post(url, #"{"protocol":2,\#(valid)}"#)
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual(answer.json["error"]?.stringValue, "unsupported_protocol")
        XCTAssertEqual(answer.json["supported"], [1])

        answer = try post(url, #"{\#(valid)}"#)
        XCTAssertEqual(answer.json["error"]?.stringValue, "invalid_message")
        XCTAssertEqual(answer.json["field"]?.stringValue, "protocol")

        for (body, field) in [
            (#"{"protocol":1,"token":"t","code":"330127101","role":"township","name":"千岛湖镇"}"#, "publicKey"),
            (#"{"protocol":1,"token":"t","code":"330127101","role":"township","name":"千岛湖镇","publicKey":"AB"}"#, "publicKey"),
            (#"{"protocol":1,"token":"t","code":"33012710","role":"township","name":"千岛湖镇","publicKey":"\#(key)"}"#, "code"),
            (#"{"protocol":1,"token":"t","code":"330127101","role":"village","name":"千岛湖镇","publicKey":"\#(key)"}"#, "role"),
            (#"{"protocol":1,"token":"t","code":"330127101","role":"township","name":"","publicKey":"\#(key)"}"#, "name"),
            (#"{"protocol":1,"token":5,"code":"330127101","role":"township","name":"千岛湖镇","publicKey":"\#(key)"}"#, "token"),
            (#"{"protocol":1,\#(valid),"extra":true}"#, "extra"),
        ] {
            answer = try post(url, body)
            XCTAssertEqual(answer.status, 400, body)
            XCTAssertEqual(answer.json["error"]?.stringValue, "invalid_message", body)
            XCTAssertEqual(answer.json["field"]?.stringValue, field, body)
            XCTAssertFalse(answer.json["message"]?.stringValue?.isEmpty ?? true, body)
        }

        answer = try post(url, "", method: "GET")
        XCTAssertEqual(answer.status, 405)
        XCTAssertEqual(answer.json["error"]?.stringValue, "method_not_allowed")
    }

    func testNoUsableAnswerIsReportedForWhatItIs() throws {
        let (_, url) = try serveCounty()
        let town = try child()
        assertEnrollmentError("bad_response", status: 404) { _ = try Enrollment.enroll(parentURL: url + "/elsewhere", token: "t", identity: town.identity) }
        server?.stop()
        server = nil
        assertEnrollmentError("parent_unreachable", status: 0) { _ = try Enrollment.enroll(parentURL: url, token: "t", identity: town.identity) }
        assertEnrollmentError("invalid_parent_url", status: 0) { _ = try Enrollment.enroll(parentURL: "ftp://x", token: "t", identity: town.identity) }
    }
}
