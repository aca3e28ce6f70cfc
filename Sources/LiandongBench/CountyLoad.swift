import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// CountyLoad is issue 11 item 5, a county of many children: one county `liandong serve` process
/// with `children` villages enrolled directly under it (the county's request check admits any
/// registered node below it; township codes stop at 599, so 600 townships cannot be), each a real
/// node simulated inside the bench
/// (a few hundred processes are too many for this machine): its own SQLite store, its own key, the
/// real SyncClient signing every request as nodes do, one long-poll parked at the county as a
/// pull lane keeps it. Measured: the county while the long-polls are parked (RSS, threads, idle
/// CPU), then every child pushing a day's work at the same moment (push exchange times), and
/// county decisions reaching their village, while idle and during that burst. The decision is one
/// the county takes on a village's case without a township node in between: 责令重新办理 of a
/// refusal (the county's review of 否定备案), each village having refused one application.
struct CountyLoad {
    var children = 0
    var dayChanges = 0
    var setupSeconds = 0.0
    var enrolled = CountyProcess.Sample()
    var parked = CountyProcess.Sample()
    var idleSeconds = 0.0
    var idleCPU = 0.0
    var idleDecisions: [Double] = []
    var burstSeconds = 0.0
    var burstChanges = 0
    var pushSeconds: [Double] = []
    var pushFailures: [String] = []
    var burstPeakRSSMiB = 0.0
    var burstMaxThreads = 0
    var burstDecisions: [Double] = []
    var pullErrors = 0
    /// Decisions that had not reached their village two minutes after the commit.
    var lostDecisions = 0

    static let county = SyncTree.county

    static func run(root: String, examples: String, binary: String, children: Int, dayChanges: Int) throws -> CountyLoad {
        var result = CountyLoad()
        result.children = children
        result.dayChanges = dayChanges
        _ = HTTPServer.raiseOpenFileLimit()
        let clock = ContinuousClock()
        let began = clock.now

        Progress.phase("county load: a county and \(children) villages")
        let countyDirectory = root + "/" + county
        let countyStore = try NodeStore.initialize(directory: countyDirectory, role: .county, code: county, name: "西湖区政务服务中心")
        try countyStore.importCatalog(try RealPath.readJSON(examples + "/catalog.json"), actor: "admin")
        try countyStore.setCalendarYear(try RealPath.readJSON(examples + "/calendar-2026.json"), actor: "admin")
        let nodes = try Children.initialize(root: root, count: children, county: countyStore)

        let process = try CountyProcess(binary: binary, directory: countyDirectory, perAddressLimit: 4 * children + 64)
        defer { process.stop() }
        Progress.phase("county load: each village syncs once (catalog down, one refusal up for the decisions)")
        try Children.each(nodes) { child in try child.join(parentURL: process.url) }
        result.setupSeconds = (clock.now - began).seconds
        result.enrolled = process.sample()

        Progress.phase("county load: \(children) long-polls parked at the county")
        let board = ArrivalBoard()
        for child in nodes { try child.startPulling(parentURL: process.url, board: board) }
        defer { for child in nodes { child.stopping.set() } }
        guard board.waitForPullers(children, timeout: 120) else { throw BenchError("only \(board.pullers) of \(children) pull lanes started") }
        Thread.sleep(forTimeInterval: 5)
        let idleStart = process.sample()
        let idleBegan = clock.now
        Thread.sleep(forTimeInterval: 10)
        result.parked = process.sample()
        result.idleSeconds = (clock.now - idleBegan).seconds
        result.idleCPU = (result.parked.cpuSeconds - idleStart.cpuSeconds) / result.idleSeconds

        // Decisions are recorded through another connection to the county's database, as the CLI does.
        let writer = try NodeStore.open(directory: countyDirectory)
        var next = 0
        func decide(pause: ClosedRange<Double>) throws -> Double? {
            guard next < nodes.count else { throw BenchError("no case left to decide (more decisions than children)") }
            let child = nodes[(next * 7) % nodes.count]
            next += 1
            Thread.sleep(forTimeInterval: Double.random(in: pause))
            board.expect(child.code, number: child.decisionCase)
            _ = try writer.act(on: child.decisionCase, .rehandle, payload: ["reason": "不予受理理由不足，责令重新办理"], actor: CaseScript.approver)
            let committed = ContinuousClock.now
            // One that has not arrived within two minutes is counted as lost, not waited for.
            guard let arrival = board.waitArrival(child.code, timeout: 120) else { return nil }
            return max(0, (arrival - committed).seconds)
        }
        Progress.phase("county load: decisions while idle")
        let spread = 2 * DecisionLatency.watchInterval
        for _ in 0..<20 {
            if let seconds = try decide(pause: 0...spread) { result.idleDecisions.append(seconds) } else { result.lostDecisions += 1 }
        }

        Progress.phase("county load: each village records \(dayChanges) changes, then all push at once")
        for child in nodes { try child.recordDay(dayChanges) }
        let expected = Int(try writer.db.scalarInt("SELECT count(*) FROM changes") ?? 0) + children * dayChanges
        let gate = Gate()
        let finished = DispatchGroup()
        let pushes = Collected<Double>()
        for child in nodes {
            finished.enter()
            Thread.detachNewThread {
                gate.wait()
                // As serve's push lane: a failed exchange is tried again after the lane's own back-off.
                let start = ContinuousClock.now
                var schedule = RetrySchedule()
                while true {
                    do {
                        try child.pushDay()
                        pushes.add(seconds: (ContinuousClock.now - start).seconds)
                        break
                    } catch {
                        pushes.fail("\(child.code): \(error)")
                        guard ContinuousClock.now - start < .seconds(300) else { break }
                        let now = Date().timeIntervalSince1970
                        if case .wait(let until) = schedule.failed(at: now, jitter: Double.random(in: 0...1)) {
                            Thread.sleep(forTimeInterval: max(0, until - now))
                        }
                    }
                }
                finished.leave()
            }
        }
        let sampler = Sampler(process)
        let burstBegan = clock.now
        gate.open()
        // Decisions keep coming while the pushes are on their way in (a short pause between them).
        // At most 100, and none after the second lost one: a lost one costs its two-minute wait.
        while finished.wait(timeout: .now()) == .timedOut, next < nodes.count, result.burstDecisions.count < 100, result.lostDecisions < 2 {
            if let seconds = try decide(pause: 0...0.05) { result.burstDecisions.append(seconds) } else { result.lostDecisions += 1 }
        }
        finished.wait()
        result.burstSeconds = (clock.now - burstBegan).seconds
        let peak = sampler.stop()
        result.burstPeakRSSMiB = max(peak.peakRSSMiB, process.sample().peakRSSMiB)
        result.burstMaxThreads = peak.threads
        result.pushSeconds = pushes.seconds
        result.pushFailures = pushes.failures
        result.burstChanges = Int(try writer.db.scalarInt("SELECT count(*) FROM changes") ?? 0) - (expected - children * dayChanges) - result.burstDecisions.count - result.lostDecisions
        result.pullErrors = board.errors
        return result
    }
}

/// Children are the simulated villages: 30 under each of the first township codes (no township node).
enum Children {
    static func initialize(root: String, count: Int, county: NodeStore) throws -> [Child] {
        let codes = (0..<count).map { SyncTree.county + String(format: "%03d%03d", 1 + $0 / 30, 201 + $0 % 30) }
        // Key generation and migrations take most of it: two workers, one per core.
        let made = Collected<Child>()
        let group = DispatchGroup()
        for worker in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                for (index, code) in codes.enumerated() where index % 2 == worker {
                    do { made.append(try Child(code: code, directory: root + "/children/" + code, index: index + 1)) } catch { made.fail("\(code): \(error)") }
                    if worker == 0 { Progress.report(index + 1, of: codes.count) }
                }
                group.leave()
            }
        }
        group.wait()
        if let failure = made.failures.first { throw BenchError("village setup failed: \(failure)") }
        let children = made.items.sorted { $0.code < $1.code }
        // Enrollment is not what is measured: keys are exchanged as the sync tree's nodes' are.
        for child in children {
            try county.trust(code: child.code, role: .village, name: child.store.identity.name, publicKey: child.store.identity.publicKey)
            try child.store.trust(code: county.identity.code, role: .county, name: county.identity.name, publicKey: county.identity.publicKey)
        }
        return children
    }

    /// Runs `body` for every child on a few threads; the first error is thrown.
    static func each(_ children: [Child], workers: Int = 4, _ body: @escaping @Sendable (Child) throws -> Void) throws {
        let failures = Collected<Child>()
        let group = DispatchGroup()
        for worker in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                for (index, child) in children.enumerated() where index % workers == worker {
                    do { try body(child) } catch { failures.fail("\(child.code): \(error)") }
                }
                group.leave()
            }
        }
        group.wait()
        if let failure = failures.failures.first { throw BenchError(failure) }
    }
}

/// Child is one simulated village: a push side (its store, its cases, a SyncClient) and a pull
/// side on its own connection and thread, as a node's two sync lanes are.
///
/// `@unchecked Sendable`: the push side is used by one thread at a time (setup, then the burst);
/// the pull side only by its own thread.
final class Child: @unchecked Sendable {
    let code: String
    let store: NodeStore
    private var path: RealPath?
    private var client: SyncClient?
    private let index: Int
    /// The refused case the county orders handled again when this child is picked for a decision.
    private(set) var decisionCase = ""
    let stopping = Flag()

    init(code: String, directory: String, index: Int) throws {
        self.code = code
        store = try NodeStore.initialize(directory: directory, role: .village, code: code, name: "第\(index)村便民服务站")
        self.index = index
    }

    /// Catalog and calendar down, then one refusal up (the county may order it handled again).
    func join(parentURL: String) throws {
        let client = try SyncClient(store: store, parentURL: parentURL, configuration: HTTPClient.Configuration(timeout: .seconds(120)))
        _ = try client.syncOnce()
        let script = CaseScript.subsistenceIntake
        decisionCase = try store.acceptCase(AcceptRequest(
            itemCode: script.item, applicant: BenchApplicant.make(index * 1000), materials: ["id_card"], actor: CaseScript.villageClerk,
            refusalReasons: ["申请人户籍不在本村，不属于本村受理范围"])).number
        let path = try RealPath(store: store, mix: CaseScript.villageMix)
        path.nextCase = 100
        path.reportsProgress = false
        try client.hello()
        let pushed = try client.pushAll()
        guard pushed.reports.isEmpty else { throw BenchError("\(code): the county quarantined \(pushed.reports.count) runs") }
        self.path = path
        self.client = client
    }

    func recordDay(_ changes: Int) throws {
        guard let path else { throw BenchError("\(code) has not joined") }
        // Each village's applicants are its own people: with the same ones at every village (all
        // started at 100), each applicant had a case of the same item open at all 600 villages at
        // once, so the county re-derived possible-duplicate sets of 600 cases for every change
        // pushed, a county no real day makes. BenchApplicant's ID numbers are distinct over
        // 21,000 consecutive indexes (the index mod 60, 12, 28 and 1,000), enough for
        // 600 villages × 30 changes.
        path.nextCase = 1000 + (index - 1) * changes
        _ = try path.runBatched(count: changes, batch: changes)
    }

    /// Hello and push, as the push lane's exchange after a day's work.
    func pushDay() throws {
        guard let client else { throw BenchError("\(code) has not joined") }
        try client.hello()
        let pushed = try client.pushAll()
        guard pushed.reports.isEmpty else { throw BenchError("the county quarantined \(pushed.reports.count) runs") }
    }

    /// The pull lane: its own connection to the store, long-polls of 20 s, as `serve` runs it.
    func startPulling(parentURL: String, board: ArrivalBoard) throws {
        let directory = store.directory
        let code = code
        let stopping = stopping
        Thread.detachNewThread {
            var announced = false
            while !stopping.isSet {
                do {
                    let store = try NodeStore.open(directory: directory)
                    let http = HTTPClient.Configuration(connectTimeout: .seconds(10), timeout: .seconds(60), lowSpeedTime: .seconds(35))
                    let client = try SyncClient(store: store, parentURL: parentURL, configuration: http)
                    try client.hello()
                    while !stopping.isSet {
                        if !announced {
                            announced = true
                            board.pullerStarted()
                        }
                        let page = try client.pullOnce(wait: 20)
                        if page.stored > 0 { try board.check(code, store: store) }
                    }
                } catch {
                    if stopping.isSet { break }
                    board.pullFailed()
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }
    }
}

/// ArrivalBoard is where the decision loop says which approval a child waits for and the child's
/// pull lane says when it arrived.
final class ArrivalBoard: @unchecked Sendable {
    private let lock = NSCondition()
    private var expected: [String: String] = [:]
    private var arrived: [String: ContinuousClock.Instant] = [:]
    private var started = 0
    private var failed = 0

    var pullers: Int { lock.withLock { started } }
    var errors: Int { lock.withLock { failed } }

    func pullerStarted() { lock.withLock { started += 1; lock.broadcast() } }
    func pullFailed() { lock.withLock { failed += 1 } }

    func waitForPullers(_ count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        return lock.withLock {
            while started < count { if !lock.wait(until: deadline) { return false } }
            return true
        }
    }

    /// Called before the approval is committed.
    func expect(_ code: String, number: String) {
        lock.withLock { expected[code] = number; arrived[code] = nil }
    }

    /// The pull lane of `code` stored something: is it the approval it waits for?
    func check(_ code: String, store: NodeStore) throws {
        guard let number = lock.withLock({ expected[code] }) else { return }
        let held = try store.db.scalarInt("SELECT count(*) FROM changes WHERE entity = ? AND kind = ?", [.text(number), .text(CaseAction.rehandle.kind)]) ?? 0
        guard held > 0 else { return }
        let now = ContinuousClock.now
        lock.withLock {
            arrived[code] = now
            expected[code] = nil
            lock.broadcast()
        }
    }

    func waitArrival(_ code: String, timeout: Double) -> ContinuousClock.Instant? {
        let deadline = Date().addingTimeInterval(timeout)
        return lock.withLock {
            while arrived[code] == nil { if !lock.wait(until: deadline) { return nil } }
            return arrived.removeValue(forKey: code)
        }
    }
}

/// Gate holds every pusher until the same moment.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func wait() { condition.withLock { while !isOpen { condition.wait() } } }
    func open() { condition.withLock { isOpen = true; condition.broadcast() } }
}

/// Flag is a stop flag shared between threads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// Collected gathers results from many threads.
final class Collected<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Item] = []
    private var times: [Double] = []
    private var errors: [String] = []

    var items: [Item] { lock.withLock { list } }
    var seconds: [Double] { lock.withLock { times } }
    var failures: [String] { lock.withLock { errors } }
    func append(_ item: Item) { lock.withLock { list.append(item) } }
    func add(seconds: Double) { lock.withLock { times.append(seconds) } }
    func fail(_ message: String) { lock.withLock { errors.append(message) } }
}

/// Sampler reads the county's /proc every 100 ms during the burst and keeps the largest figures.
final class Sampler: @unchecked Sendable {
    private let lock = NSLock()
    private var largest = CountyProcess.Sample()
    private let done = Flag()
    private let finished = DispatchSemaphore(value: 0)

    init(_ process: CountyProcess) {
        Thread.detachNewThread { [self] in
            while !done.isSet {
                let sample = process.sample()
                lock.withLock {
                    largest.threads = max(largest.threads, sample.threads)
                    largest.peakRSSKiB = max(largest.peakRSSKiB, sample.peakRSSKiB)
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            finished.signal()
        }
    }

    func stop() -> CountyProcess.Sample {
        done.set()
        finished.wait()
        return lock.withLock { largest }
    }
}

extension CountyProcess {
    var logTail: String {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}

extension Report {
    static func countyLoad(_ run: CountyLoad, binary: String) -> String {
        func ms(_ seconds: Double) -> String { fixed(seconds * 1000, 1) + " ms" }
        func percentiles(_ samples: [Double]) -> String {
            "p50 \(ms(DecisionLatency.percentile(0.5, of: samples)))   p99 \(ms(DecisionLatency.percentile(0.99, of: samples)))   "
                + "max \(ms(samples.max() ?? 0))"
        }
        func process(_ sample: CountyProcess.Sample) -> String { "RSS \(fixed(sample.rssMiB, 1)) MiB, \(sample.threads) threads" }
        let failures = run.pushFailures.isEmpty ? "" : "\n    failed exchanges on the way: \(run.pushFailures.count), the first: \(run.pushFailures[0])"
        return """
            a county of \(run.children) children (issue 11): one county `liandong serve` process (\(binary)) with \(run.children) \
            villages enrolled directly under it (codes \(SyncTree.county)001201 onwards, 30 per township code, no township node: \
            township codes stop at 599, and the county admits any registered node below it), each \
            simulated in the bench process as a real node (own SQLite store and key, the real SyncClient signing every request; a push \
            side and a pull lane on its own connection and thread); all connect from 127.0.0.1, so the county's per-address limit is \
            raised to stand for \(run.children) addresses
              setup (\(run.children) nodes made, keys exchanged, each synced once with one case sent up): \(fixed(run.setupSeconds, 1)) s; \
            the county then: \(process(run.enrolled))
              \(run.children) long-polls parked (pull wait 20 s): \(process(run.parked)); idle CPU \(fixed(run.idleCPU * 100, 1)) % of one core \
            over \(fixed(run.idleSeconds, 0)) s (peak RSS so far \(fixed(run.parked.peakRSSMiB, 1)) MiB)
              decisions while idle (\(run.idleDecisions.count) orders 责令重新办理 of a village's refusal, one at a time through another \
            connection to the county's database, as the CLI; until the village's pull lane stored it): \(percentiles(run.idleDecisions))
              all \(run.children) push a day's work at once (\(run.dayChanges) changes each, hello + push): \(run.burstChanges) changes \
            stored in \(fixed(run.burstSeconds, 2)) s (\(grouped(run.burstSeconds > 0 ? Double(run.burstChanges) / run.burstSeconds : 0)) changes/s)
                per village, from the common start until the county had its day (hello + push; a failed exchange tried again \
            after the push lane's back-off, as serve does, for 5 minutes at most): \(percentiles(run.pushSeconds)); \
            \(run.pushSeconds.count) of \(run.children) landed\(failures)
                the county during the burst: peak RSS \(fixed(run.burstPeakRSSMiB, 1)) MiB, at most \(run.burstMaxThreads) threads
                decisions during the burst (\(run.burstDecisions.count)): \(percentiles(run.burstDecisions))
              decisions not at their village two minutes after the commit: \(run.lostDecisions); pull-lane errors (retried after 1 s): \(run.pullErrors)
            """
    }
}
