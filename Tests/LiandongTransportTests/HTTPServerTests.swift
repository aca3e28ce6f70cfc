import Foundation
import XCTest

@testable import LiandongSync

final class HTTPServerTests: XCTestCase {
    func testGetAndPostRoundTrip() throws {
        let server = try startServer(handler: echoHandler)
        defer { server.stop() }
        let client = try HTTPClient()
        let get = try client.perform(HTTPRequest(url: url(server, "/sync/v1/pull?after=12&node=c%C3%BCn")))
        XCTAssertEqual(get.status, 200)
        XCTAssertEqual(get.text, "GET /sync/v1/pull after=12 node=cün body=0")
        XCTAssertEqual(get.headers["content-type"], "text/plain")
        let post = try client.perform(HTTPRequest(method: "POST", url: url(server, "/sync/v1/push"), body: Array("hello".utf8)))
        XCTAssertEqual(post.status, 200)
        XCTAssertEqual(post.text, "POST /sync/v1/push body=5")
        let put = try client.perform(HTTPRequest(method: "PUT", url: url(server, "/blob/1"), body: [1, 2, 3]))
        XCTAssertEqual(put.text, "PUT /blob/1 body=3")
        let delete = try client.perform(HTTPRequest(method: "DELETE", url: url(server, "/blob/1")))
        XCTAssertEqual(delete.text, "DELETE /blob/1 body=0")
    }

    func testHandlerSeesLowercasedHeadersAndRemoteAddress() throws {
        let seen = Locked<HTTPServerRequest?>(nil)
        let server = try startServer { request in
            seen.withLock { $0 = request }
            return .respond(HTTPServerResponse(status: 204))
        }
        defer { server.stop() }
        let response = try HTTPClient().perform(
            HTTPRequest(url: url(server, "/x"), headers: [("X-Liandong-Node", "village-7"), ("X-Empty", "")]))
        XCTAssertEqual(response.status, 204)
        let request = try XCTUnwrap(seen.current)
        XCTAssertEqual(request.headers["x-liandong-node"], "village-7")
        XCTAssertEqual(request.headers["x-empty"], "")
        XCTAssertNil(request.headers["expect"], "curl must not send Expect: 100-continue")
        XCTAssertEqual(request.remoteAddress, "127.0.0.1")
    }

    func testGzipRequestBodyReachesHandlerInflated() throws {
        let seen = Locked<(String?, [UInt8])>((nil, []))
        let server = try startServer { request in
            seen.withLock { $0 = (request.headers["content-encoding"], request.body) }
            return .respond(HTTPServerResponse(status: 200))
        }
        defer { server.stop() }
        let body = Array(String(repeating: "案件 change ", count: 5000).utf8)
        let response = try HTTPClient().perform(HTTPRequest(method: "POST", url: url(server, "/push"), body: body, gzipBody: true))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(seen.current.0, "gzip")
        XCTAssertEqual(seen.current.1, body)
    }

    func testLargeResponseIsGzippedForClientsThatAcceptIt() throws {
        let large = Array(String(repeating: "{\"seq\":1}", count: 10_000).utf8)
        let server = try startServer { request in
            .respond(HTTPServerResponse(status: 200, body: request.path == "/large" ? large : Array("small".utf8)))
        }
        defer { server.stop() }
        let client = try HTTPClient()
        let response = try client.perform(HTTPRequest(url: url(server, "/large")))
        XCTAssertEqual(response.headers["content-encoding"], "gzip")
        XCTAssertLessThan(Int(response.headers["content-length"] ?? "") ?? .max, large.count / 10)
        XCTAssertEqual(response.body, large, "curl inflates the body")
        let small = try client.perform(HTTPRequest(url: url(server, "/small")))
        XCTAssertNil(small.headers["content-encoding"], "bodies under 1 KiB are not worth compressing")
        XCTAssertEqual(small.text, "small")
    }

    func testNineMebibyteBodyGets413AndServerKeepsServing() throws {
        let handled = Locked(0)
        let server = try startServer { request in
            handled.withLock { $0 += 1 }
            return try echoHandler(request)
        }
        defer { server.stop() }
        let client = try HTTPClient()
        let big = try client.perform(HTTPRequest(method: "POST", url: url(server, "/push"), body: [UInt8](repeating: 7, count: 9 << 20)))
        XCTAssertEqual(big.status, 413)
        XCTAssertEqual(big.text, #"{"error":"body_too_large","limit":8388608,"message":"请求体超过 8388608 字节的上限"}"#)
        XCTAssertEqual(handled.current, 0, "the handler never sees an oversize request")
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/healthz"))).status, 200)
    }

    func testHopelesslyLargeDeclaredBodyGets413BeforeItIsSent() throws {
        let server = try startServer(HTTPServer.Configuration(maxBodyBytes: 1 << 20), handler: echoHandler)
        defer { server.stop() }
        let socket = try XCTUnwrap(RawSocket(port: server.port))
        socket.send("POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
        let reply = socket.readAll()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 413"), reply)
        XCTAssertTrue(reply.hasSuffix(#"{"error":"body_too_large","limit":1048576,"message":"请求体超过 1048576 字节的上限"}"#), reply)
    }

    func testChunkedBodyOverCapGets413() throws {
        let server = try startServer(HTTPServer.Configuration(maxBodyBytes: 1 << 20), handler: echoHandler)
        defer { server.stop() }
        let socket = try XCTUnwrap(RawSocket(port: server.port))
        socket.send("POST /push HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = [UInt8](repeating: 65, count: 256 << 10)
        for _ in 0..<6 {
            guard socket.send("40000\r\n"), socket.send(chunk), socket.send("\r\n") else { break }
        }
        socket.send("0\r\n\r\n")
        let reply = socket.readAll()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 413"), reply)
        XCTAssertTrue(reply.hasSuffix(#"{"error":"body_too_large","limit":1048576,"message":"请求体超过 1048576 字节的上限"}"#), reply)
    }

    func testGzipBombGets413() throws {
        let server = try startServer(HTTPServer.Configuration(maxDecompressedBodyBytes: 1 << 20), handler: echoHandler)
        defer { server.stop() }
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 4 << 20), level: 9)
        let response = try HTTPClient().perform(
            HTTPRequest(method: "POST", url: url(server, "/push"), headers: [("Content-Encoding", "gzip")], body: bomb))
        XCTAssertEqual(response.status, 413)
        XCTAssertTrue(response.text.hasPrefix(#"{"error":"body_too_large""#), response.text)
    }

    func testCorruptGzipGets400() throws {
        let server = try startServer(handler: echoHandler)
        defer { server.stop() }
        var corrupt = try Gzip.compress(noise(5000))
        corrupt[corrupt.count / 2] ^= 0x55
        let client = try HTTPClient()
        for body in [corrupt, Array(corrupt.prefix(100)), Array("plain text".utf8)] {
            let response = try client.perform(
                HTTPRequest(method: "POST", url: url(server, "/push"), headers: [("Content-Encoding", "gzip")], body: body))
            XCTAssertEqual(response.status, 400)
            XCTAssertEqual(response.text, #"{"error":"bad_gzip","message":"请求体声明为 gzip，但不是有效的 gzip 数据"}"#)
        }
        let brotli = try client.perform(
            HTTPRequest(method: "POST", url: url(server, "/push"), headers: [("Content-Encoding", "br")], body: [1]))
        XCTAssertEqual(brotli.status, 415)
    }

    func testThrowingHandlerAndBadStatusGet500AndServerKeepsServing() throws {
        struct Boom: Error {}
        let server = try startServer { request in
            switch request.path {
            case "/throw": throw Boom()
            case "/status": return .respond(HTTPServerResponse(status: 42, headers: ["Bad\r\nHeader": "x"]))
            case "/header": return .respond(HTTPServerResponse(status: 200, headers: ["X-Split": "a\r\nInjected: yes"]))
            default: return .respond(HTTPServerResponse(status: 200))
            }
        }
        defer { server.stop() }
        let client = try HTTPClient()
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/throw"))).status, 500)
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/status"))).status, 500)
        let header = try client.perform(HTTPRequest(url: url(server, "/header")))
        XCTAssertEqual(header.status, 200)
        XCTAssertNil(header.headers["injected"])
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/ok"))).status, 200)
    }

    func testGarbageOnTheWireDoesNotHurtTheServer() throws {
        // A 1 s idle timeout closes the connection MHD is still waiting on a request line for.
        let server = try startServer(HTTPServer.Configuration(connectionTimeoutSeconds: 1), handler: echoHandler)
        defer { server.stop() }
        for garbage in ["\u{0}\u{1}\u{2}\r\n\r\n", "GET\r\n\r\n", "POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                        "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", String(repeating: "A", count: 200_000)] {
            let socket = try XCTUnwrap(RawSocket(port: server.port))
            socket.send(garbage)
            let reply = socket.readAll()
            XCTAssertTrue(reply.isEmpty || reply.hasPrefix("HTTP/1.1 4"), reply)
        }
        XCTAssertEqual(try HTTPClient().perform(HTTPRequest(url: url(server, "/after"))).status, 200)
    }

    func testManyConcurrentClientsAllSucceed() throws {
        let server = try startServer(handler: echoHandler)
        defer { server.stop() }
        let failures = Locked<[String]>([])
        let target = url(server, "/sync/v1/push")
        onThreads(8) { thread in
            do {
                let client = try HTTPClient()
                for index in 0..<50 {
                    let body = Array("thread \(thread) request \(index)".utf8)
                    let response = try client.perform(HTTPRequest(method: "POST", url: target, body: body, gzipBody: index % 2 == 0))
                    if response.status != 200 || response.text != "POST /sync/v1/push body=\(body.count)" {
                        failures.withLock { $0.append("\(thread)/\(index): \(response.status) \(response.text)") }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(thread): \(error)") }
            }
        }
        XCTAssertEqual(failures.current, [])
    }

    func testPortZeroPicksDistinctFreePorts() throws {
        let first = try startServer(handler: echoHandler)
        let second = try startServer(handler: echoHandler)
        defer {
            first.stop()
            second.stop()
        }
        XCTAssertNotEqual(first.port, second.port)
        XCTAssertThrowsError(try HTTPServer(configuration: .init(port: first.port), handler: echoHandler)) { error in
            XCTAssertEqual((error as? HTTPServerError)?.kind, .startFailed)
        }
        XCTAssertThrowsError(try HTTPServer(configuration: .init(host: "county.example"), handler: echoHandler)) { error in
            XCTAssertEqual((error as? HTTPServerError)?.kind, .badAddress)
        }
    }

    func testStopIsIdempotentAndRefusesNewConnections() throws {
        let server = try startServer(handler: echoHandler)
        let target = url(server, "/x")
        XCTAssertEqual(try HTTPClient().perform(HTTPRequest(url: target)).status, 200)
        server.stop()
        server.stop()
        XCTAssertThrowsError(try HTTPClient().perform(HTTPRequest(url: target))) { error in
            XCTAssertEqual((error as? HTTPClientError)?.kind, .connect)
        }
    }
}

final class AcceptEncodingTests: XCTestCase {
    func testGzipIsAcceptedUnlessItsQualityIsZero() {
        XCTAssertTrue(ServerCore.acceptsGzip("gzip"))
        XCTAssertTrue(ServerCore.acceptsGzip("deflate, GZIP;q=0.5"))
        XCTAssertTrue(ServerCore.acceptsGzip("*"))
        XCTAssertFalse(ServerCore.acceptsGzip(nil))
        XCTAssertFalse(ServerCore.acceptsGzip("identity"))
        XCTAssertFalse(ServerCore.acceptsGzip("gzip;q=0"))
        XCTAssertFalse(ServerCore.acceptsGzip("gzip; q=0.000"))
    }
}
