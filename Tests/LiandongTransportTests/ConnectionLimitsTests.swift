import Foundation
import XCTest

@testable import LiandongSync

/// A server that cannot be starved: per-address and total limits, request deadlines, and
/// long-polls kept out of the ordinary counts. Real sockets on loopback; 127.0.0.2… play other hosts.
final class ConnectionLimitsTests: XCTestCase {
    private static let slowHeader = "GET /healthz HTTP/1.1\r\nHost: x\r\n"

    func testOneAddressHoldingManySlowConnectionsLeavesOthersServed() throws {
        let limits = ConnectionTable.Limits(perAddress: 8, ordinary: 40, longPolls: 40, headerSeconds: 60, bodySeconds: 60)
        let server = try startServer(HTTPServer.Configuration(limits: limits), handler: echoHandler)
        defer { server.stop() }
        var slow: [RawSocket] = []
        for _ in 0..<100 {
            guard let socket = RawSocket(port: server.port, from: "127.0.0.2") else { continue }
            socket.send(Self.slowHeader)
            slow.append(socket)
        }
        XCTAssertTrue(waitUntil { server.connectionCount(from: "127.0.0.2") == 8 && slow.filter { $0.closedByPeer(within: 0) }.count >= 90 },
                      "all but 8 of the 100 are refused: \(server.connectionCount(from: "127.0.0.2"))")
        let response = try HTTPClient().perform(HTTPRequest(url: url(server, "/healthz")))
        XCTAssertEqual(response.status, 200, "another address is still served")
        // Many addresses together stop at the total limit, and the 8 of the first stay open.
        for host in 3..<10 {
            for _ in 0..<8 { if let socket = RawSocket(port: server.port, from: "127.0.0.\(host)") { socket.send(Self.slowHeader); slow.append(socket) } }
        }
        XCTAssertTrue(waitUntil { server.connectionCounts.ordinary <= 40 }, "\(server.connectionCounts)")
        XCTAssertLessThanOrEqual(server.connectionCounts.ordinary, 40)
    }

    func testHeadersTricklingInPastTheirDeadlineAreCut() throws {
        let limits = ConnectionTable.Limits(perAddress: 8, ordinary: 40, longPolls: 40, headerSeconds: 1, bodySeconds: 60)
        let server = try startServer(HTTPServer.Configuration(limits: limits), handler: echoHandler)
        defer { server.stop() }
        let socket = try XCTUnwrap(RawSocket(port: server.port))
        socket.send("GET /x HTTP/1.1\r\n")
        // One header byte every 200 ms keeps libmicrohttpd's idle timeout from firing; the deadline does not.
        var cut = false
        for _ in 0..<40 where !cut {
            socket.send("X")
            cut = socket.closedByPeer(within: 0.2)
        }
        XCTAssertTrue(cut, "a request whose headers take longer than 1 s is cut")
        XCTAssertEqual(try HTTPClient().perform(HTTPRequest(url: url(server, "/after"))).status, 200)
    }

    func testABodyTricklingInPastItsDeadlineIsCut() throws {
        let limits = ConnectionTable.Limits(perAddress: 8, ordinary: 40, longPolls: 40, headerSeconds: 60, bodySeconds: 1)
        let server = try startServer(HTTPServer.Configuration(limits: limits), handler: echoHandler)
        defer { server.stop() }
        let socket = try XCTUnwrap(RawSocket(port: server.port))
        socket.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        var cut = false
        for _ in 0..<40 where !cut {
            socket.send("a")
            cut = socket.closedByPeer(within: 0.2)
        }
        XCTAssertTrue(cut, "a body that takes longer than 1 s is cut")
    }

    func testParkedLongPollsDoNotCountAgainstTheOrdinaryLimit() throws {
        let limits = ConnectionTable.Limits(perAddress: 4, ordinary: 8, longPolls: 12, headerSeconds: 60, bodySeconds: 60)
        let server = try startServer(HTTPServer.Configuration(limits: limits)) { request in
            guard request.path == "/poll" else { return try echoHandler(request) }
            return .suspend(LongPoll(timeout: .seconds(30), fallback: .json(200, #"{"changes":[]}"#)))
        }
        defer { server.stop() }
        var polls: [RawSocket] = []
        for _ in 0..<10 {
            let socket = try XCTUnwrap(RawSocket(port: server.port))
            socket.send("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n")
            polls.append(socket)
            XCTAssertTrue(waitUntil { server.connectionCounts.parked == polls.count }, "\(server.connectionCounts)")
        }
        XCTAssertEqual(server.connectionCounts.ordinary, 0)
        for _ in 0..<3 {
            XCTAssertEqual(try HTTPClient().perform(HTTPRequest(url: url(server, "/healthz"))).status, 200,
                           "ten parked long-polls from this address leave its ordinary slots free")
        }
        // Over the long-poll limit a poll is answered at once with its fallback, not parked.
        var extra: [RawSocket] = []
        for _ in 0..<3 {
            let socket = try XCTUnwrap(RawSocket(port: server.port))
            socket.send("GET /poll HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            extra.append(socket)
        }
        let answered = extra.filter { $0.closedByPeer(within: 1) }
        XCTAssertEqual(answered.count, 1, "two more park, the third is answered at once and closed")
        XCTAssertEqual(server.connectionCounts.parked, 12)
    }

    func testLimitsShrinkToTheOpenFileLimit() {
        let fitted = ConnectionTable.Limits(perAddress: 64, ordinary: 4000, longPolls: 4000).fitting(descriptors: 1000)
        XCTAssertEqual(fitted.ordinary + fitted.longPolls, 1000)
        XCTAssertEqual(fitted.ordinary, 500)
        XCTAssertEqual(fitted.perAddress, 64)
        XCTAssertEqual(ConnectionTable.Limits().fitting(descriptors: 100_000), ConnectionTable.Limits())
    }

    func testTheTableCountsParkedConnectionsApartAndReportsOverdueOnce() {
        var table = ConnectionTable(limits: ConnectionTable.Limits(perAddress: 2, ordinary: 3, longPolls: 1, headerSeconds: 5, bodySeconds: 10))
        XCTAssertTrue(table.admit("a", at: 0))
        XCTAssertTrue(table.admit("a", at: 0))
        XCTAssertFalse(table.admit("a", at: 0), "two admitted and not yet opened already fill the address")
        table.opened(1, address: "a", socket: 11, at: 0)
        table.opened(2, address: "a", socket: 12, at: 0)
        XCTAssertTrue(table.reserved.isEmpty)
        XCTAssertFalse(table.admit("a", at: 0))
        XCTAssertTrue(table.admit("b", at: 0))
        XCTAssertFalse(table.admit("c", at: 0.5), "b's reservation counts in the total")
        XCTAssertTrue(table.admit("c", at: 1.5), "a reservation nothing opened lapses after a second")
        table.headersComplete(1, at: 1)
        table.answering(1)
        table.parked(1)
        XCTAssertTrue(table.admit("a", at: 3), "a parked long-poll frees its ordinary slot")
        XCTAssertFalse(table.admitsLongPoll)
        XCTAssertEqual(table.overdue(at: 6), [ConnectionTable.Overdue(id: 2, socket: 12, reason: "request headers not complete within 5 s")])
        XCTAssertEqual(table.overdue(at: 7), [], "reported once")
        table.resumed(1)
        table.requestCompleted(1, at: 7)
        table.closed(2)
        XCTAssertEqual(table.parkedCount, 0)
        XCTAssertEqual(table.ordinaryByAddress, ["a": 1])
        table.headersComplete(1, at: 8)
        XCTAssertEqual(table.overdue(at: 17), [], "the body has 10 s")
        XCTAssertEqual(table.overdue(at: 18.5).map(\.id), [1])
        table.closed(1)
        XCTAssertEqual(table.ordinaryCount, 0)
        XCTAssertTrue(table.entries.isEmpty)
    }
}
