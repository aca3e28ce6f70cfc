import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// ScaleColumn is issue 11's "same figures at 20,000, 100,000 and 1,000,000 changes in the store":
/// the hop figures measured on a sample of fresh changes once the village, township and county
/// already hold `size` changes, each beside a raw insert into a changes table holding as many rows.
struct ScaleColumn {
    var size = 0
    /// count(*) of the changes table at the village, township and county before the sample.
    var held: [Int] = []
    /// Changes added to reach `size` (village record in big batches, then both hops) and the seconds.
    var filled = 0
    var fillSeconds = 0.0
    var sample = 0
    var recordSeconds = 0.0
    var hop1Seconds = 0.0
    var hop2Seconds = 0.0
    var pushes = 0
    var rawBatch = 0
    var rawSeconds = 0.0
    var relay = Forwarding()
    /// A local write through the CLI path (acceptCase and act), one change per transaction, at the county.
    var localRows = 0
    var localSeconds = 0.0
    var rawLocalSeconds = 0.0

    func rate(_ rows: Int, _ seconds: Double) -> Double { seconds > 0 ? Double(rows) / seconds : 0 }
    var hop1: Double { rate(sample, hop1Seconds) }
    var hop2: Double { rate(sample, hop2Seconds) }
    var relayed: Double { rate(relay.changes, relay.seconds) }
    var raw: Double { rate(sample, rawSeconds) }
    var local: Double { rate(localRows, localSeconds) }
    var rawLocal: Double { rate(localRows, rawLocalSeconds) }
    var fill: Double { rate(filled, fillSeconds) }
}

/// ScaleRun fills one village → township → county tree up to each size in turn and measures a
/// sample at each. The fill is the real path, honestly: the village records in transactions of
/// `fillBatch` drafts and pushes through both hops with the real SyncClient and NodeServer, so every
/// node's tables (routes, cases, duplicates, indexes) are what that many changes make; only the
/// batch is larger than the measured one. The raw baseline is a changes table that mirrors the
/// village's (copied with INSERT … SELECT between phases, untimed), so it too holds `size` rows.
final class ScaleRun {
    let tree: SyncTree
    let log = BenchLog()
    let county: NodeServer
    let village: RealPath
    let countyPath: RealPath
    private let mirror: Database
    private var mirrored: Int64 = 0

    init(root: String, examples: String) throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        tree = try SyncTree(root: root, examples: examples)
        county = try tree.serve(SyncTree.county, log: log.closure)
        let township = try tree.serve(SyncTree.township, log: log.closure)
        defer { township.stop() }
        _ = try tree.client(SyncTree.township, parentURL: county.url).syncOnce()
        _ = try tree.client(SyncTree.village, parentURL: township.url).syncOnce()
        village = try RealPath(store: tree.store(SyncTree.village), mix: CaseScript.villageMix)
        countyPath = try RealPath(store: tree.store(SyncTree.county), mix: CaseScript.mix)
        mirror = try Database(path: root + "/raw-mirror.sqlite")
        try mirror.execute(RawInsert.schema)
    }

    deinit { county.stop() }

    /// Runs every size in ascending order, `sample` measured changes each (and a tenth as many local writes).
    func run(sizes: [Int], sample: Int, batch: Int, fillBatch: Int) throws -> [ScaleColumn] {
        var columns: [ScaleColumn] = []
        for size in sizes.sorted() {
            columns.append(try column(size: size, sample: sample, batch: batch, fillBatch: fillBatch))
            // On stderr as each column ends: a long run stopped part way keeps what it measured.
            Progress.phase(Report.scale(columns, sample: sample, fillBatch: fillBatch))
        }
        return columns
    }

    private func column(size: Int, sample: Int, batch: Int, fillBatch: Int) throws -> ScaleColumn {
        var column = ScaleColumn(size: size, sample: sample)
        let clock = ContinuousClock()
        let township = try tree.serve(SyncTree.township, log: log.closure)
        var townshipStopped = false
        defer { if !townshipStopped { township.stop() } }

        let have = try tree.count(SyncTree.village, "SELECT count(*) FROM changes")
        if size > have {
            column.filled = size - have
            Progress.phase("scale \(size): filling \(column.filled) changes at the village (\(fillBatch) per transaction), then both hops")
            column.fillSeconds = try clock.measure {
                _ = try village.runBatched(count: column.filled, batch: fillBatch)
                try push(SyncTree.village, to: township.url)
                try push(SyncTree.township, to: county.url)
            }.seconds
        }
        try copyToMirror()
        column.held = try [SyncTree.village, SyncTree.township, SyncTree.county].map { try tree.count($0, "SELECT count(*) FROM changes") }

        Progress.phase("scale \(size): \(sample) changes at the village, hop 1, hop 2")
        let before = try maxLSN(SyncTree.village)
        column.recordSeconds = try village.runBatched(count: sample, batch: batch).seconds
        let tap = try WireTap(upstreamPort: township.port)
        column.hop1Seconds = try clock.measure { try push(SyncTree.village, to: tap.url) }.seconds
        column.pushes = tap.snapshot.count("push")
        tap.stop()
        column.hop2Seconds = try clock.measure { try push(SyncTree.township, to: county.url) }.seconds
        let head = try tree.store(SyncTree.village).chainHead(of: SyncTree.village).seq
        try TwoHop.checkHeld(tree, at: SyncTree.county, expected: Int(head), log: log)
        township.stop()
        townshipStopped = true

        let rows = try LogRow.read(from: tree.store(SyncTree.village).db, afterLSN: before)
        column.rawBatch = max(1, Int((Double(sample) / Double(max(1, column.pushes))).rounded()))
        column.rawSeconds = try RawInsert.insert(rows, batch: column.rawBatch, into: mirror)
        mirrored = try maxLSN(SyncTree.village)

        column.relay = try Forwarding.run(tree: tree, village: village, count: sample, batch: batch, county: county, log: log)

        let local = max(100, sample / 10)
        Progress.phase("scale \(size): \(local) local writes at the county, one per transaction")
        let countyBefore = try maxLSN(SyncTree.county)
        column.localSeconds = try countyPath.runSingle(count: local).seconds
        let localRows = try LogRow.read(from: tree.store(SyncTree.county).db, afterLSN: countyBefore).filter { $0.origin == SyncTree.county }
        column.localRows = localRows.count
        column.rawLocalSeconds = try RawInsert.insert(localRows, batch: 1, into: mirror)
        return column
    }

    /// One `sync --once`-style push of everything `code` holds that its parent lacks. The fill is not
    /// timed: a push the parent answers too slowly (a loaded machine, a store of a million changes)
    /// is tried again as the serve push lane would, with the batch BatchSizer halved, up to 5 times.
    private func push(_ code: String, to url: String) throws {
        let client = try tree.client(code, parentURL: url)
        var attempt = 1
        while true {
            do {
                try client.hello()
                let pushed = try client.pushAll()
                guard pushed.reports.isEmpty else { throw BenchError("\(code) push quarantined \(pushed.reports.count) runs\n\(log.tail)") }
                return
            } catch let error as HTTPClientError where attempt < 5 {
                Progress.phase("\(code) push failed (\(error)), trying again with batches of \(client.sizer.size)")
                attempt += 1
            }
        }
    }

    private func maxLSN(_ code: String) throws -> Int64 {
        try tree.store(code).db.scalarInt("SELECT coalesce(max(lsn), 0) FROM changes") ?? 0
    }

    /// Copies the village's rows the mirror lacks (untimed): the raw table holds what the village holds.
    private func copyToMirror() throws {
        try mirror.run("ATTACH DATABASE ? AS village", .text(tree.store(SyncTree.village).db.path))
        defer { try? mirror.execute("DETACH DATABASE village") }
        try mirror.run("""
            INSERT OR IGNORE INTO changes (origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig, source, stored_at)
            SELECT origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig, NULL, stored_at
            FROM village.changes WHERE lsn > ?
            """, .integer(mirrored))
        mirrored = try maxLSN(SyncTree.village)
    }
}

extension Report {
    /// The scale columns side by side, each figure's largest over smallest column beside them.
    static func scale(_ columns: [ScaleColumn], sample: Int, fillBatch: Int) -> String {
        guard !columns.isEmpty else { return "" }
        let width = 13
        func cells(_ values: [String]) -> String { values.map { String(repeating: " ", count: max(0, width - $0.count)) + $0 }.joined() }
        func label(_ text: String) -> String { text.padding(toLength: 46, withPad: " ", startingAt: 0) }
        func spread(_ values: [Double]) -> Double {
            guard let low = values.min(), let high = values.max(), low > 0 else { return 0 }
            return high / low
        }
        var spreads: [(String, Double)] = []
        func line(_ name: String, _ value: (ScaleColumn) -> Double, digits: Int = 0, judged: Bool = true, key: String? = nil) -> String {
            let values = columns.map(value)
            let s = spread(values)
            if judged { spreads.append((key ?? name, s)) }
            return label(name) + cells(values.map { digits == 0 ? grouped($0) : fixed($0, digits) } + [fixed(s, 2) + "×"])
        }
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
        let lines = [
            label("changes in the store before the sample") + cells(columns.map { grouped(Double($0.size)) } + ["max/min"]),
            label("  held: village / township / county") + columns.map { "  " + $0.held.map { grouped(Double($0)) }.joined(separator: "/") }.joined(),
            line("hop 1 village → township, changes/s", \.hop1),
            line("  × raw", { ratio($0.hop1, $0.raw) }, digits: 3, key: "hop 1 × raw"),
            line("hop 2 township → county, changes/s", \.hop2),
            line("  × raw", { ratio($0.hop2, $0.raw) }, digits: 3, key: "hop 2 × raw"),
            line("two-hop relay (township serve), changes/s", \.relayed),
            line("  × raw", { ratio($0.relayed, $0.raw) }, digits: 3, key: "relay × raw"),
            line("raw INSERT, mean push batch, changes/s", \.raw, judged: false),
            line("local write 1/transaction (county), changes/s", \.local),
            line("  × raw insert-and-commit", { ratio($0.local, $0.rawLocal) }, digits: 3, key: "local write × raw"),
            line("raw INSERT 1/transaction, changes/s", \.rawLocal, judged: false),
            line("village record of the sample, changes/s", { $0.rate($0.sample, $0.recordSeconds) }, judged: false),
            line("fill (record + both hops), changes/s", \.fill, judged: false),
        ]
        let worst = spreads.max { $0.1 < $1.1 }
        return """
            the hop figures with the stores already holding N changes (issue 11): \(sample) fresh village changes per column \
            (relay: as many more), \(max(100, sample / 10)) local writes; the stores were filled through the real path \
            (village record, \(fillBatch) per transaction, then both hops over HTTP); raw rows go into a changes table \
            holding as many rows as the village's
            \(lines.joined(separator: "\n"))
            target: every liandong figure (rates and × raw) within 1.25 × across columns: widest \
            \(worst.map { "\($0.0.trimmingCharacters(in: .whitespaces)) \(fixed($0.1, 2)) ×" } ?? "-") — \
            \(columns.count < 2 ? "one column, nothing to compare" : verdict((worst?.1 ?? 0) <= 1.25 && (worst?.1 ?? 0) > 0))
            """
    }
}
