import Foundation
import LiandongDomain
import LiandongStore

/// BenchClock is simulated time: each reading is a millisecond after the last, so that every
/// run makes the same dates, deadlines and HLC readings whatever the machine's speed.
final class BenchClock {
    private(set) var millis: Int64

    init(millis: Int64) { self.millis = millis }

    func now() -> Int64 {
        millis += 1
        return millis
    }
}

/// RealPath drives a NodeStore through its public API, as the CLI does: every change
/// canonically encoded, hashed, chained, signed, inserted and materialized. By default a new
/// county with the example catalog; `init(store:mix:)` drives a node that already holds it.
final class RealPath {
    /// 2026-03-02 09:00 China Standard Time, a Monday.
    static let start: Int64 = 1_772_413_200_000
    static let code = "330106"

    let store: NodeStore
    let directory: String
    /// The last lsn of the setup (catalog and calendar): measured rows come after it.
    let setupLSN: Int64
    /// The case lives this node repeats.
    let mix: [CaseScript]
    private let code: String
    private let items: [String: JSONValue]
    /// Whether `runBatched` prints its progress (not for the county load's many small days).
    var reportsProgress = true
    /// The sequence of the next case number this path makes (a node that accepted others first starts later).
    var nextCase = 1
    /// Every case made by `runBatched`, with its item, in the order made.
    private(set) var cases: [(number: String, item: String)] = []

    convenience init(directory: String, examples: String) throws {
        let clock = BenchClock(millis: RealPath.start)
        let store = try NodeStore.initialize(
            directory: directory, role: .county, code: RealPath.code, name: "西湖区政务服务中心", now: clock.now)
        try store.importCatalog(try RealPath.readJSON(examples + "/catalog.json"), actor: "admin")
        try store.setCalendarYear(try RealPath.readJSON(examples + "/calendar-2026.json"), actor: "admin")
        try self.init(store: store, mix: CaseScript.mix)
    }

    /// Drives `store`, which must already hold the items of `mix` (a village after its first sync).
    init(store: NodeStore, mix: [CaseScript]) throws {
        self.store = store
        self.directory = store.directory
        self.mix = mix
        code = store.identity.code
        var items: [String: JSONValue] = [:]
        for code in Set(mix.map(\.item)) {
            guard let item = try store.item(code: code) else { throw BenchError("node \(store.identity.code) has no item \(code)") }
            items[code] = item.json
        }
        self.items = items
        setupLSN = try store.db.scalarInt("SELECT max(lsn) FROM changes") ?? 0
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
        return try JSONParser.parse(Array(data))
    }

    /// Makes `count` changes in `record([…])` calls of `batch` drafts; returns the seconds spent in
    /// them. Ten cases at a time are interleaved, as at a hall with several windows open.
    func runBatched(count: Int, batch: Int) throws -> (seconds: Double, cases: Int) {
        var pending: [ChangeDraft] = []
        var made = 0
        var cases = 0
        var elapsed: Duration = .zero
        let clock = ContinuousClock()
        while made < count {
            let lists = try mix.map { try drafts(for: $0) }
            for draft in RealPath.interleave(lists) where made + pending.count < count {
                pending.append(draft)
                if draft.kind == CaseAction.accept.kind { cases += 1 }
            }
            while pending.count >= batch || (made + pending.count == count && !pending.isEmpty) {
                let chunk = Array(pending.prefix(batch))
                pending.removeFirst(chunk.count)
                elapsed += try clock.measure { try store.record(chunk) }
                made += chunk.count
                if reportsProgress { Progress.report(made, of: count) }
            }
        }
        return (elapsed.seconds, cases)
    }

    /// Makes `count` changes one transaction each, through `acceptCase` and `act`.
    func runSingle(count: Int) throws -> (seconds: Double, cases: Int) {
        var made = 0
        var cases = 0
        var elapsed: Duration = .zero
        let clock = ContinuousClock()
        while made < count {
            var numbers: [String?] = Array(repeating: nil, count: CaseScript.mix.count)
            let steps = RealPath.interleave(CaseScript.mix.indices.map { index in
                (0..<CaseScript.mix[index].changeCount).map { (index, $0) }
            })
            for (index, step) in steps where made < count {
                let script = CaseScript.mix[index]
                if step == 0 {
                    let request = acceptRequest(for: script)
                    elapsed += try clock.measure {
                        numbers[index] = try store.acceptCase(request).number
                    }
                    cases += 1
                } else if let number = numbers[index] {
                    let (action, payload, actor) = script.steps[step - 1]
                    elapsed += try clock.measure { try store.act(on: number, action, payload: payload, actor: actor) }
                }
                made += 1
                Progress.report(made, of: count)
            }
        }
        return (elapsed.seconds, cases)
    }

    /// The acceptance draft built exactly as `NodeStore.acceptCase` builds it, plus the steps.
    private func drafts(for script: CaseScript) throws -> [ChangeDraft] {
        let number = CaseNumber.make(node: code, day: store.today, sequence: nextCase)
        let request = acceptRequest(for: script)
        cases.append((number, script.item))
        let payload: JSONValue = [
            "number": .string(number), "queryCode": .string(CaseNumber.queryCode(from: try secureRandomBytes(8))),
            "item": items[script.item] ?? .null, "applicant": request.applicant.json,
            "materials": .strings(Array(Set(request.materials)).sorted()), "tolerateMissing": .bool(request.tolerateMissing),
            "delivery": ["method": .string(request.delivery.method.rawValue), "mailAddress": .optional(request.delivery.mailAddress)],
            "collectAt": .optional(request.collectAt),
        ]
        let accept = ChangeDraft(actor: request.actor, entity: number, kind: CaseAction.accept.kind, payload: payload)
        return [accept] + script.steps.map { ChangeDraft(actor: $0.actor, entity: number, kind: $0.action.kind, payload: $0.payload) }
    }

    private func acceptRequest(for script: CaseScript) -> AcceptRequest {
        defer { nextCase += 1 }
        return AcceptRequest(
            itemCode: script.item, applicant: BenchApplicant.make(nextCase), materials: script.materials,
            tolerateMissing: script.tolerateMissing, actor: CaseScript.window)
    }

    /// Round-robin merge that keeps each list's order: every case's steps stay in workflow order.
    static func interleave<T>(_ lists: [[T]]) -> [T] {
        var merged: [T] = []
        merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        var position = 0
        var remaining = true
        while remaining {
            remaining = false
            for list in lists where position < list.count {
                merged.append(list[position])
                remaining = true
            }
            position += 1
        }
        return merged
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Progress prints how far a phase is on stderr, so that stdout keeps only the report.
enum Progress {
    static func report(_ done: Int, of total: Int) {
        let step = max(1, total / 10)
        if done % step == 0 || done == total {
            FileHandle.standardError.write(Data("  \(done)/\(total)\r".utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }

    /// Prints the phase with the process's CPU seconds so far (user + system): on a shared
    /// machine the CPU a phase took is steadier than its wall time.
    static func phase(_ text: String) {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        FileHandle.standardError.write(Data((String(format: "[cpu %.2f s] ", cpu) + text + "\n").utf8))
    }
}
