import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// DecisionLatency measures how long a county decision takes to reach the village that accepted
/// the case (issue 3: "a decision reaches a connected village within a second or two"). The
/// township and the village run their serve lanes as `liandong serve` does (push every 250 ms,
/// pull long-polled for 20 s); the county's server runs with its route watcher. The bench records
/// each approval through its own connection to the county's database, as the CLI does from
/// another process, and times from that commit to the village's ingest holding the change.
struct DecisionLatency {
    /// Seconds from the county's commit to the village holding the approval, one per decision.
    var samples: [Double] = []
    /// The same, for decisions made while a scan travels up from the village on the file lane
    /// (issue 12: a file never holds back a decision), and what that scan took.
    var duringUpload: [Double] = []
    var uploadBytes = 0
    var uploadCapKiB = 0
    /// Seconds from the village's attach to the county holding the whole file; nil when it had not
    /// arrived by the end of the phase.
    var uploadSeconds: Double?
    /// The same for the township, the first hop.
    var firstHopSeconds: Double?
    /// Requests the children sent during the measured decisions (echo shows up as pushes).
    var townshipUp = WireTap.Counts()
    var villageUp = WireTap.Counts()
    var pause = 0.0

    static let watchInterval = NodeServer.Configuration(directory: "").watchInterval

    func percentile(_ p: Double) -> Double { DecisionLatency.percentile(p, of: samples) }

    static func percentile(_ p: Double, of samples: [Double]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        return sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
    }

    var mean: Double { samples.isEmpty ? 0 : samples.reduce(0, +) / Double(samples.count) }

    /// Runs `decisions` approvals (plus one to warm the path up) on cases the village accepted and
    /// forwarded in the two-hop phase; the township forwards them to the county first. Then the
    /// village attaches a scan of `uploadBytes` to a new case, its file lane capped at `uploadCapKiB`
    /// KiB/s as a village's working hours may be, and half as many approvals are timed while it travels.
    static func run(tree: SyncTree, village: RealPath, decisions: Int, county: NodeServer, log: BenchLog,
                    uploadBytes: Int = 20_000_000, uploadCapKiB: Int = 1024) throws -> DecisionLatency {
        var result = DecisionLatency()
        let duringUpload = max(10, decisions / 2)
        let all = village.cases.filter { $0.item == CaseScript.subsistenceIntake.item }.prefix(decisions + 1 + duringUpload).map(\.number)
        guard all.count == decisions + 1 + duringUpload else {
            throw BenchError("the two-hop phase made \(all.count) county-decided cases; \(decisions + 1 + duringUpload) needed (raise --sync-changes)")
        }
        let numbers = Array(all.prefix(decisions + 1))
        // 乡镇初审: the township reviews and forwards; the county then holds them and decides.
        try tree.store(SyncTree.township).record(all.map {
            ChangeDraft(actor: "镇审核员-赵", entity: $0, kind: CaseAction.forward.kind, payload: ["opinion": "初审通过，报县审批"])
        })

        Progress.phase("decision latency: township and village serve lanes start")
        let countyTap = try WireTap(upstreamPort: county.port)
        let township = try tree.serve(SyncTree.township, parentURL: countyTap.url, log: log.closure)
        let townshipTap = try WireTap(upstreamPort: township.port)
        // The village's server and lanes wired as NodeServer wires them, plus a hook on the lane's
        // wake (called after each ingest commits): the bench checks the village at once.
        let villageServer = try tree.serve(SyncTree.village, log: log.closure)
        let arrivals = ArrivalSignal()
        var lanes = SyncLoop.Configuration(directory: tree.directory(SyncTree.village), parentURL: townshipTap.url)
        lanes.now = tree.clock.closure
        lanes.blobBandwidth = BandwidthWindow(kibPerSecond: uploadCapKiB, startMinute: 0, endMinute: 24 * 60)
        let service = villageServer.service
        let loop = SyncLoop(configuration: lanes, wake: { service.wakePolls(); arrivals.signal() }, log: log.closure)
        loop.start()
        defer {
            // Parents first: each child's parked pull then gets its answer and its lane stops at once.
            township.stop()
            loop.stop(timeout: .seconds(5))
            villageServer.stop()
            countyTap.stop()
            townshipTap.stop()
        }

        let countyStore = tree.store(SyncTree.county)
        let ready = try arrivals.wait(timeout: 120) {
            try countyStore.caseState(all[all.count - 1])?.holder == SyncTree.county
                && tree.store(SyncTree.village).chainHead(of: SyncTree.township).seq == tree.store(SyncTree.township).chainHead(of: SyncTree.township).seq
        }
        guard ready != nil else { throw BenchError("the forwarded cases did not reach the county and the village\n\(log.tail)") }

        // The decisions are recorded through another connection to the county's database, as the CLI does.
        let writer = try NodeStore.open(directory: tree.directory(SyncTree.county), now: tree.clock.closure)
        let townshipBefore = countyTap.snapshot
        let villageBefore = townshipTap.snapshot
        var generator = SystemRandomNumberGenerator()
        /// Approves one case at the county and returns the seconds until the village holds the approval.
        func decide(_ number: String) throws -> (seconds: Double, pause: Double) {
            // A random pause, so that commits fall anywhere in the county watcher's period.
            let pause = Double.random(in: 0..<(2 * watchInterval), using: &generator)
            Thread.sleep(forTimeInterval: pause)
            try writer.act(on: number, .approve, payload: ["opinion": "符合低保条件"], actor: CaseScript.approver)
            let committed = ContinuousClock.now
            let seq = try writer.chainHead(of: SyncTree.county).seq
            guard let arrived = try arrivals.wait(timeout: 30, { try tree.holds(SyncTree.village, origin: SyncTree.county, seq: seq) }) else {
                throw BenchError("the approval of \(number) did not reach the village within 30 s\n\(log.tail)")
            }
            return ((arrived - committed).seconds, pause)
        }
        for (index, number) in numbers.enumerated() {
            let (seconds, pause) = try decide(number)
            if index == 0 { continue }
            result.samples.append(seconds)
            result.pause += pause
            Progress.report(index, of: decisions)
        }
        result.townshipUp = countyTap.snapshot.minus(townshipBefore)
        result.villageUp = townshipTap.snapshot.minus(villageBefore)

        Progress.phase("decision latency while a \(uploadBytes / 1_000_000) MB scan goes up")
        let (sha256, attached) = try attachScan(tree: tree, bytes: uploadBytes)
        result.uploadBytes = uploadBytes
        result.uploadCapKiB = uploadCapKiB
        let townshipBlobs = tree.store(SyncTree.township).blobs
        func note() {
            if result.firstHopSeconds == nil, townshipBlobs.has(sha256) { result.firstHopSeconds = (ContinuousClock.now - attached).seconds }
            if result.uploadSeconds == nil, countyStore.blobs.has(sha256) { result.uploadSeconds = (ContinuousClock.now - attached).seconds }
        }
        for (index, number) in all.dropFirst(decisions + 1).enumerated() {
            result.duringUpload.append(try decide(number).seconds)
            note()
            Progress.report(index + 1, of: duringUpload)
        }
        let limit = ContinuousClock.now + .seconds(uploadBytes / 1024 / uploadCapKiB + 120)
        while result.uploadSeconds == nil, ContinuousClock.now < limit {
            Thread.sleep(forTimeInterval: 0.05)
            note()
        }
        return result
    }

    /// A new county-decided case at the village with a scanned PDF of `bytes` attached, recorded
    /// through its own connection as the CLI does: the file lane takes it from there.
    private static func attachScan(tree: SyncTree, bytes: Int) throws -> (sha256: String, attached: ContinuousClock.Instant) {
        let directory = tree.directory(SyncTree.village)
        let path = directory + "/bench-scan.pdf"
        var body = Array("%PDF-1.4\n".utf8)
        var generator = SystemRandomNumberGenerator()
        body.reserveCapacity(bytes)
        while body.count < bytes - 8 { body.append(UInt8.random(in: 0...255, using: &generator)) }
        body += Array("\n%%EOF\n".utf8)
        guard FileManager.default.createFile(atPath: path, contents: Data(body)) else { throw BenchError("cannot write \(path)") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try NodeStore.open(directory: directory, now: tree.clock.closure)
        let script = CaseScript.subsistenceIntake
        let accepted = try writer.acceptCase(AcceptRequest(itemCode: script.item, applicant: BenchApplicant.make(990_001), materials: script.materials,
                                                           tolerateMissing: script.tolerateMissing, actor: "村代办员-孙"))
        let state = try writer.attachFile(path, to: accepted.number, material: "id_card", actor: "村代办员-孙", fileName: "身份证扫描件.pdf")
        guard let sha256 = state.attachments.last?.sha256 else { throw BenchError("the scan was not attached to \(accepted.number)") }
        return (sha256, .now)
    }
}

extension WireTap.Counts {
    /// What was counted since `earlier`.
    func minus(_ earlier: WireTap.Counts) -> WireTap.Counts {
        var result = self
        result.requests -= earlier.requests
        result.headBytes -= earlier.headBytes
        result.bytesUp -= earlier.bytesUp
        result.bytesDown -= earlier.bytesDown
        result.bodyBytes = bodyBytes.merging(earlier.bodyBytes.mapValues { -$0 }, uniquingKeysWith: +)
        result.requestsByEndpoint = requestsByEndpoint.merging(earlier.requestsByEndpoint.mapValues { -$0 }, uniquingKeysWith: +)
        return result
    }
}

/// ArrivalSignal wakes the bench when the village's pull lane has stored something.
///
/// `@unchecked Sendable`: `generation` is guarded by `condition`.
final class ArrivalSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    func signal() {
        condition.withLock {
            generation &+= 1
            condition.broadcast()
        }
    }

    /// The instant `arrived` first holds, checked after every signal and at least every `poll`
    /// seconds; nil after `timeout` seconds.
    func wait(timeout: Double, poll: Double = 0.005, _ arrived: () throws -> Bool) rethrows -> ContinuousClock.Instant? {
        let limit = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        var seen = condition.withLock { generation }
        while ContinuousClock.now < limit {
            if try arrived() { return .now }
            condition.withLock {
                if generation == seen { _ = condition.wait(until: Date().addingTimeInterval(poll)) }
                seen = generation
            }
        }
        return try arrived() ? .now : nil
    }
}
