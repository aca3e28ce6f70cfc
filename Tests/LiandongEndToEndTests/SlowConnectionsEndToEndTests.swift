import Foundation
import XCTest

/// A county under a slow-connection attack (issue 14: 1,100 slow connections from one address took
/// it off the air for 75 s) keeps answering `/healthz` and its township's pushes. `make test` opens
/// 300 slow connections; `make soak` (LIANDONG_SOAK=1) 2,000 over 40 addresses plus 1,100 from
/// one, and prints the figures.
final class SlowConnectionsEndToEndTests: XCTestCase {
    private var cluster: Cluster!

    override func setUpWithError() throws {
        cluster = try Cluster()
        raiseOpenFileLimit()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    func testHealthzAndPushesAreAnsweredWhileManySlowConnectionsAreOpen() throws {
        let soak = ProcessInfo.processInfo.environment["LIANDONG_SOAK"] != nil
        let spread = soak ? 2000 : 300
        let fromOne = soak ? 1100 : 200
        let county = try cluster.county()
        let township = try cluster.enroll(code: "330106109", role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        try cluster.waitUntil("the township never reached the county") {
            try county.count("SELECT count(*) FROM peers WHERE code = '\(township.code)' AND last_contact IS NOT NULL") == 1
        }

        // The attack: headers that never finish, from 40 addresses, then from one address alone.
        var slow: [Int32] = []
        defer { slow.forEach { close($0) } }
        let opening = Date()
        for index in 0..<spread {
            if let socket = SlowSocket.open(port: county.port, from: "127.0.1.\(1 + index % 40)") { slow.append(socket) }
        }
        var fromOneOpen = 0
        for _ in 0..<fromOne {
            if let socket = SlowSocket.open(port: county.port, from: "127.0.2.1") { slow.append(socket) }
        }
        let openSeconds = Date().timeIntervalSince(opening)
        Thread.sleep(forTimeInterval: 0.5)
        fromOneOpen = slow.suffix(fromOne).filter { SlowSocket.isOpen($0) }.count
        let spreadOpen = slow.prefix(spread).filter { SlowSocket.isOpen($0) }.count

        // While they are open: /healthz from a well-behaved address, and a township push.
        var latencies: [Double] = []
        var failed = 0
        for _ in 0..<20 {
            let start = Date()
            if HTTPProbe.get(port: county.port, path: "/healthz")?.status == 200 {
                latencies.append(Date().timeIntervalSince(start) * 1000)
            } else {
                failed += 1
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let pushStart = Date()
        let numbers = try Bulk.accept(20, at: township.directory)
        try cluster.waitUntil("the township's cases never reached the county under attack", within: 30) {
            try county.count("SELECT count(*) FROM cases WHERE acceptor = '\(township.code)'") == numbers.count
        }
        let pushSeconds = Date().timeIntervalSince(pushStart)
        latencies.sort()
        let median = latencies.isEmpty ? -1 : latencies[latencies.count / 2]
        print(String(format: "slow connections: %d opened over 40 addresses (%d still open), %d from one address (%d admitted) in %.1f s; " +
                     "/healthz %d/20 answered, median %.1f ms, max %.1f ms; 20 township cases at the county in %.2f s",
                     spread, spreadOpen, fromOne, fromOneOpen, openSeconds, latencies.count, median, latencies.last ?? -1, pushSeconds))
        XCTAssertEqual(failed, 0, "every /healthz probe answered")
        XCTAssertLessThanOrEqual(fromOneOpen, 64, "one address holds at most 64 ordinary connections")
        XCTAssertGreaterThan(spreadOpen, spread / 2, "the test did hold most of its slow connections open")
    }

    private func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// SlowSocket is a client that sends the start of a request and then nothing (a slowloris).
enum SlowSocket {
    static func open(port: Int, from source: String) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0 && withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        guard ok else {
            close(descriptor)
            return nil
        }
        let start = Array("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8)
        _ = start.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return descriptor
    }

    /// False once the server has closed it.
    static func isOpen(_ descriptor: Int32) -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT))
        return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }
}
