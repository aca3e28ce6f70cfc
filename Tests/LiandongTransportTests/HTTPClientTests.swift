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

    /// The blob lane's daytime cap (CURLOPT_MAX_SEND/RECV_SPEED_LARGE): 128 KiB at 64 KiB/s takes
    /// about 2 s each way, the next request without a cap is not slowed (curl_easy_reset).
    func testASpeedCapSlowsThatTransferEachWayAndNoOther() throws {
        let payload = noise(128 << 10)
        let server = try startServer { request in
            .respond(HTTPServerResponse(status: 200, body: request.method == "GET" ? payload : Array("\(request.body.count)".utf8)))
        }
        defer { server.stop() }
        let client = try HTTPClient()
        func seconds(_ request: HTTPRequest) throws -> (Double, HTTPResponse) {
            let start = ContinuousClock.now
            let response = try client.perform(request)
            let elapsed = ContinuousClock.now - start
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, response)
        }
        let cap = 64 << 10
        let (up, upAnswer) = try seconds(HTTPRequest(method: "PUT", url: url(server, "/up"), body: payload, maxBytesPerSecond: cap))
        XCTAssertEqual(upAnswer.text, "\(payload.count)")
        let (down, downAnswer) = try seconds(HTTPRequest(url: url(server, "/down"), maxBytesPerSecond: cap))
        XCTAssertEqual(downAnswer.body, payload)
        let (free, _) = try seconds(HTTPRequest(method: "PUT", url: url(server, "/up"), body: payload))
        print("speed cap 64 KiB/s on 128 KiB: up \(up) s, down \(down) s; uncapped up \(free) s")
        XCTAssertGreaterThan(up, 1.4, "the upload was capped")
        XCTAssertGreaterThan(down, 1.4, "the download was capped")
        XCTAssertLessThan(free, 1.0, "a request without a cap is not slowed")
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
