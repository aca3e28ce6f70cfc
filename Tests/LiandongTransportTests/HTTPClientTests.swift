import Foundation
import XCTest

@testable import LiandongSync

final class HTTPClientTests: XCTestCase {
    func testConnectToAClosedPortFailsQuicklyWithKindConnect() throws {
        let client = try HTTPClient(configuration: .init(connectTimeout: .seconds(5)))
        let start = ContinuousClock.now
        do {
            _ = try client.perform(HTTPRequest(url: "http://127.0.0.1:\(closedPort())/healthz"))
            XCTFail("a closed port must not answer")
        } catch HTTPClientError.connect {
            XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        } catch {
            XCTFail("expected .connect, got \(error)")
        }
    }

    func testOverallTimeoutAgainstASlowHandlerGivesKindTimeout() throws {
        let server = try startServer { _ in
            Thread.sleep(forTimeInterval: 2)
            return .respond(HTTPServerResponse(status: 200))
        }
        defer { server.stop() }
        let client = try HTTPClient(configuration: .init(timeout: .milliseconds(400)))
        XCTAssertThrowsError(try client.perform(HTTPRequest(url: url(server, "/slow")))) { error in
            let failure = error as? HTTPClientError
            XCTAssertEqual(failure?.kind, .timeout)
            XCTAssertEqual(failure?.curlCode, 28)
            XCTAssertEqual(failure?.url, url(server, "/slow"))
            XCTAssertFalse(failure?.message.isEmpty ?? true, "curl's error buffer text is kept")
        }
    }

    func testALinkThatTricklesIsCutByTheLowSpeedFloor() throws {
        let server = try XCTUnwrap(TricklingServer())
        let client = try HTTPClient(
            configuration: .init(timeout: .seconds(60), lowSpeedLimit: 1024, lowSpeedTime: .seconds(1)))
        let start = ContinuousClock.now
        XCTAssertThrowsError(try client.perform(HTTPRequest(url: "http://127.0.0.1:\(server.port)/sync/v1/pull"))) { error in
            XCTAssertEqual((error as? HTTPClientError)?.kind, .timeout, "\(error)")
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(20), "the floor, not the 60 s overall timeout, must fire")
    }

    func testOneHandleServesAHundredRequests() throws {
        let server = try startServer(handler: echoHandler)
        defer { server.stop() }
        let client = try HTTPClient()
        for index in 0..<100 {
            let method = index % 3 == 0 ? "GET" : "POST"
            let body = method == "GET" ? [] : noise(index * 37)
            let response = try client.perform(
                HTTPRequest(method: method, url: url(server, "/r?i=\(index)"), body: body, gzipBody: index % 2 == 0))
            XCTAssertEqual(response.text, "\(method) /r i=\(index) body=\(body.count)")
        }
        XCTAssertEqual(client.connectionsOpened, 1, "curl_easy_reset keeps the connection cache")
    }

    func testResponsesOverTheMaximumAreRefusedAsTooLarge() throws {
        let server = try startServer { request in
            let count = Int(request.query["n"] ?? "") ?? 0
            return .respond(HTTPServerResponse(status: 200, body: [UInt8](repeating: 1, count: count)))
        }
        defer { server.stop() }
        let client = try HTTPClient(configuration: .init(maxResponseBytes: 10_000))
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/?n=10000"))).body.count, 10_000)
        // 5 MB of ones gzips to a few KiB: the cap must hold on the inflated size.
        for count in [20_000, 5_000_000] {
            XCTAssertThrowsError(try client.perform(HTTPRequest(url: url(server, "/?n=\(count)")))) { error in
                XCTAssertEqual((error as? HTTPClientError)?.kind, .tooLarge, "\(count): \(error)")
            }
        }
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/?n=5"))).body.count, 5, "the handle still works")
    }

    func testHeadersWithLineBreaksAreRefusedBeforeSending() throws {
        let client = try HTTPClient()
        XCTAssertThrowsError(
            try client.perform(HTTPRequest(url: "http://127.0.0.1:1/", headers: [("X-A", "b\r\nInjected: 1")]))
        ) { error in
            XCTAssertEqual((error as? HTTPClientError)?.kind, .other)
        }
    }
}
