import Foundation
import XCTest

@testable import LiandongSync

/// Starts a server on 127.0.0.1 port 0 with `handler`, stopping it when the test ends.
func startServer(
    _ configuration: HTTPServer.Configuration = HTTPServer.Configuration(), file: StaticString = #filePath,
    line: UInt = #line, handler: @escaping HTTPServer.Handler
) throws -> HTTPServer {
    let server = try HTTPServer(configuration: configuration, handler: handler)
    XCTAssertGreaterThan(server.port, 0, "port 0 must be replaced by the bound port", file: file, line: line)
    return server
}

func url(_ server: HTTPServer, _ path: String, scheme: String = "http") -> String {
    "\(scheme)://127.0.0.1:\(server.port)\(path)"
}

/// A handler that echoes method, path, query and body as JSON-ish text.
let echoHandler: HTTPServer.Handler = { request in
    var text = "\(request.method) \(request.path)"
    for key in request.query.keys.sorted() { text += " \(key)=\(request.query[key] ?? "")" }
    text += " body=\(request.body.count)"
    return .respond(HTTPServerResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array(text.utf8)))
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Runs `body` on `count` threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            body(index)
            group.leave()
        }
    }
    group.wait()
}

/// Pseudo-random bytes that compress poorly, deterministic per seed.
func noise(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// Locked is a value shared between a test and its handlers, guarded by a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let limit = ContinuousClock.now + timeout
    while ContinuousClock.now < limit {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read back, then released).
func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length)
            return getsockname(fd, $0, &length)
        }
    }
    return Int(in_port_t(bigEndian: address.sin_port))
}
