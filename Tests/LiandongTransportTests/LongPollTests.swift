import Foundation
import XCTest

@testable import LiandongSync

final class LongPollTests: XCTestCase {
    private static let empty = HTTPServerResponse.json(200, #"{"changes":[]}"#)

    func testWokenLongPollReturnsTheWokenResponseQuickly() throws {
        let parked = Locked<LongPoll?>(nil)
        let server = try startServer { _ in
            let poll = LongPoll(timeout: .seconds(30), fallback: Self.empty)
            parked.withLock { $0 = poll }
            return .suspend(poll)
        }
        defer { server.stop() }
        let answer = Locked<(String, ContinuousClock.Instant)?>(nil)
        let target = url(server, "/sync/v1/pull")
        Thread.detachNewThread {
            let response = try? HTTPClient().perform(HTTPRequest(url: target))
            answer.withLock { $0 = (response?.text ?? "failed", .now) }
        }
        XCTAssertTrue(waitUntil { parked.current != nil })
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertNil(answer.current, "the request must stay parked until woken")
        let woken = ContinuousClock.now
        XCTAssertEqual(parked.current?.resolve(with: .json(200, #"{"changes":[1]}"#)), true)
        XCTAssertEqual(parked.current?.resolve(with: Self.empty), false, "the first outcome wins")
        XCTAssertTrue(waitUntil { answer.current != nil })
        let (text, at) = try XCTUnwrap(answer.current)
        XCTAssertEqual(text, #"{"changes":[1]}"#)
        XCTAssertLessThan(at - woken, .seconds(1))
    }

    func testLongPollNotWokenReturnsItsFallbackAfterItsDeadline() throws {
        let server = try startServer { _ in .suspend(LongPoll(timeout: .milliseconds(300), fallback: Self.empty)) }
        defer { server.stop() }
        let start = ContinuousClock.now
        let response = try HTTPClient().perform(HTTPRequest(url: url(server, "/sync/v1/pull")))
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(response.text, #"{"changes":[]}"#)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300))
        XCTAssertLessThan(elapsed, .seconds(10))
    }

    func testLongPollResolvedBeforeItIsParkedAnswersAtOnce() throws {
        let server = try startServer { _ in
            let poll = LongPoll(timeout: .seconds(30), fallback: Self.empty)
            poll.resolve(with: .json(200, "early"))
            return .suspend(poll)
        }
        defer { server.stop() }
        let start = ContinuousClock.now
        XCTAssertEqual(try HTTPClient().perform(HTTPRequest(url: url(server, "/p"))).text, "early")
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(10))
    }

    func testWakeTopicRerunsTheHandlerWithTheSameRequest() throws {
        let news = Locked<[String]>([])
        let calls = Locked(0)
        let server = try startServer { request in
            calls.withLock { $0 += 1 }
            let available = news.current
            if available.isEmpty {
                let deadline = request.receivedAt + .seconds(30)
                return .suspend(LongPoll(deadline: deadline, fallback: Self.empty, topic: "pull"))
            }
            return .respond(.json(200, "\(request.query["after"] ?? "?"):\(available.joined(separator: ","))"))
        }
        defer { server.stop() }
        let answer = Locked<String?>(nil)
        let target = url(server, "/sync/v1/pull?after=7")
        Thread.detachNewThread {
            let response = try? HTTPClient().perform(HTTPRequest(url: target))
            answer.withLock { $0 = response?.text ?? "failed" }
        }
        XCTAssertTrue(waitUntil { calls.current == 1 })
        XCTAssertEqual(server.wake(topic: "other"), 0)
        // A spurious wake: the handler finds nothing and parks the request again.
        XCTAssertTrue(waitUntil { server.wake(topic: "pull") == 1 })
        XCTAssertTrue(waitUntil { calls.current == 2 })
        news.withLock { $0 = ["c8", "c9"] }
        XCTAssertTrue(waitUntil { server.wake(topic: "pull") == 1 })
        XCTAssertTrue(waitUntil { answer.current != nil })
        XCTAssertEqual(answer.current, "7:c8,c9")
        XCTAssertEqual(calls.current, 3)
    }

    func testManyParkedLongPollsDoNotHoldPoolThreads() throws {
        let parked = Locked<[LongPoll]>([])
        let server = try startServer(HTTPServer.Configuration(threadPoolSize: 2)) { request in
            if request.path == "/now" { return .respond(.json(200, "now")) }
            let poll = LongPoll(timeout: .seconds(30), fallback: Self.empty)
            parked.withLock { $0.append(poll) }
            return .suspend(poll)
        }
        defer { server.stop() }
        let target = url(server, "/pull")
        let answers = Locked<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<12 {
            group.enter()
            Thread.detachNewThread {
                let text = (try? HTTPClient().perform(HTTPRequest(url: target)))?.text ?? "failed"
                answers.withLock { $0.append(text) }
                group.leave()
            }
        }
        XCTAssertTrue(waitUntil { parked.current.count == 12 })
        XCTAssertEqual(try HTTPClient().perform(HTTPRequest(url: url(server, "/now"))).text, "now")
        for (index, poll) in parked.current.enumerated() { poll.resolve(with: .json(200, "\(index)")) }
        XCTAssertEqual(group.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(Set(answers.current), Set((0..<12).map(String.init)))
    }

    func testStopWithAParkedLongPollSendsItsFallbackPromptly() throws {
        let parked = Locked(false)
        let server = try startServer { _ in
            parked.withLock { $0 = true }
            return .suspend(LongPoll(timeout: .seconds(60), fallback: .json(200, "fallback")))
        }
        let answer = Locked<String?>(nil)
        let target = url(server, "/sync/v1/pull")
        Thread.detachNewThread {
            let text: String
            do { text = try HTTPClient().perform(HTTPRequest(url: target)).text } catch { text = "\(error)" }
            answer.withLock { $0 = text }
        }
        XCTAssertTrue(waitUntil { parked.current })
        let start = ContinuousClock.now
        server.stop()
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        XCTAssertTrue(waitUntil { answer.current != nil })
        XCTAssertEqual(answer.current, "fallback")
    }

    func testStopRacingResolversAndDeadlinesAnswersEveryClient() throws {
        for round in 0..<5 {
            let parked = Locked<[LongPoll]>([])
            let server = try startServer { request in
                let timeout = Duration.milliseconds(Int(request.query["ms"] ?? "") ?? 30_000)
                let poll = LongPoll(timeout: timeout, fallback: .json(200, "fallback"))
                parked.withLock { $0.append(poll) }
                return .suspend(poll)
            }
            let target = url(server, "/pull")
            let answers = Locked<[String]>([])
            let group = DispatchGroup()
            for index in 0..<16 {
                group.enter()
                Thread.detachNewThread {
                    let ms = index % 4 == 0 ? "?ms=\(20 * round + 5)" : ""
                    let text: String
                    do { text = try HTTPClient().perform(HTTPRequest(url: target + ms)).text } catch { text = "\(error)" }
                    answers.withLock { $0.append(text) }
                    group.leave()
                }
            }
            XCTAssertTrue(waitUntil { parked.current.count == 16 })
            Thread.detachNewThread {
                for poll in parked.current { poll.resolve(with: .json(200, "woken")) }
            }
            server.stop()
            XCTAssertEqual(group.wait(timeout: .now() + 20), .success)
            XCTAssertEqual(answers.current.count, 16)
            XCTAssertTrue(answers.current.allSatisfy { $0 == "woken" || $0 == "fallback" }, "\(answers.current)")
        }
    }
}
