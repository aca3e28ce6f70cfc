import Foundation
import LiandongDomain
import LiandongStore

// liandong-bench (issues 2 and 3): changes through the real path (NodeStore: canonical encoding,
// SHA-256, Ed25519, insert, reduce, materialize) beside a raw SQLite insert of the same rows, in one
// run; then the sync figures: two hops over HTTP, decision latency, bytes on the wire.

func runBench(_ options: BenchOptions) throws {
    let began = ContinuousClock.now
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("liandong-bench-\(getpid())").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }

    Progress.phase("real path, \(options.batch) changes per record([…]) call")
    let batched = try RealPath(directory: root + "/batched", examples: options.examples)
    let batchedRun = try batched.runBatched(count: options.changes, batch: options.batch)
    let rssAfterReal = MachineInfo.peakRSSMiB()

    Progress.phase("real path, one change per transaction (acceptCase and act)")
    let single = try RealPath(directory: root + "/single", examples: options.examples)
    let singleRun = try single.runSingle(count: options.singleChanges)

    Progress.phase("raw inserts of the same rows")
    let batchedRows = try LogRow.read(from: batched.store.db, afterLSN: batched.setupLSN)
    let rawBatched = try RawInsert.run(batchedRows, batch: options.batch, path: root + "/raw-batched.sqlite")
    let singleRows = try LogRow.read(from: single.store.db, afterLSN: single.setupLSN)
    let rawSingle = try RawInsert.run(singleRows, batch: 1, path: root + "/raw-single.sqlite")

    Progress.phase("cost split and verify")
    let sample = try batched.store.changes(afterLSN: batched.setupLSN, limit: 5000).map(\.change)
    let split = try CostSplit.measure(sample)
    let verifyStart = ContinuousClock.now
    let verify = try batched.store.verify()
    let verifySeconds = (ContinuousClock.now - verifyStart).seconds
    guard verify.isClean else { throw BenchError("verify found \(verify.problems.count) problems in the bench's own data") }

    Progress.phase("workbench pages")
    let pageSamples = options.changes >= 50_000 ? 20 : 10
    let pageSection = PageTimings.report(try PageTimings.run(directory: root + "/batched", samples: pageSamples,
                                                                  openCases: options.changes >= 50_000 ? 5000 : 300), samples: pageSamples)
    Progress.phase("printed documents")
    let printed = PrintBench.report(try PrintBench.run(store: batched.store, sampleCases: 300))

    var syncSections: [String] = []
    if !options.noSync {
        let tree = try SyncTree(root: root + "/sync", examples: options.examples)
        let log = BenchLog()
        let county = try tree.serve(SyncTree.county, log: log.closure)
        defer { county.stop() }
        let (twoHop, village) = try TwoHop.run(tree: tree, count: options.syncChanges, batch: options.batch, county: county, log: log)
        let relay = try Forwarding.run(tree: tree, village: village, count: options.syncChanges, batch: options.batch, county: county, log: log)
        let latency = try DecisionLatency.run(tree: tree, village: village, decisions: options.decisions, county: county, log: log)
        syncSections = [Report.twoHop(twoHop, relay: relay), Report.latency(latency, decisions: options.decisions), Report.wire(twoHop)]
        county.stop()

        if let script = options.pgScript {
            let peer = PostgresPeer.run(script: script, count: options.syncChanges)
            let single = Phase(name: "", rows: singleRows.count, seconds: singleRun.seconds)
            let raw = Phase(name: "", rows: singleRows.count, seconds: rawSingle)
            syncSections.append(Report.postgres(peer, twoHop: twoHop, relay: relay, single: single, rawSingle: raw))
            Progress.phase(syncSections.last ?? "")
        }
        // The long sections of issue 11 each report their own failure, so that one does not lose the others' figures.
        if !options.scale.isEmpty {
            syncSections.append(section("scale columns and bootstrap") {
                let scale = try ScaleRun(root: root + "/scale", examples: options.examples)
                let columns = try scale.run(sizes: options.scale, sample: options.scaleSample, batch: options.batch, fillBatch: options.fillBatch)
                let table = Report.scale(columns, sample: options.scaleSample, fillBatch: options.fillBatch)
                return table + "\n\n" + Report.bootstrap(try Bootstrap.run(scale))
            })
        }
        if options.countyChildren > 0 {
            syncSections.append(section("county load") {
                let load = try CountyLoad.run(root: root + "/county-load", examples: options.examples, binary: options.liandong,
                                              children: options.countyChildren, dayChanges: options.countyDay)
                return Report.countyLoad(load, binary: options.liandong)
            })
        }
    }

    let real = Phase(name: "real  NodeStore.record, \(options.batch)/transaction", rows: batchedRows.count, seconds: batchedRun.seconds)
    let realSingle = Phase(name: "real  acceptCase + act, 1/transaction", rows: singleRows.count, seconds: singleRun.seconds)
    let crypto = split.encodeMicros + split.hashMicros + split.signMicros
    print("""
        liandong-bench: \(real.rows) changes (\(batchedRun.cases) cases) in batches of \(options.batch), \
        \(realSingle.rows) changes (\(singleRun.cases) cases) one per transaction

        machine
        \(MachineInfo.lines(sqlite: batched.store.db).map { "  " + $0.0.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n"))

        \(Report.table([
            (real, Phase(name: "raw   INSERT changes, \(options.batch)/transaction", rows: batchedRows.count, seconds: rawBatched)),
            (realSingle, Phase(name: "raw   INSERT changes, 1/transaction", rows: singleRows.count, seconds: rawSingle)),
        ]))
        real/raw is the real path's changes/s over the raw insert's; both use WAL and synchronous=FULL.

        cost per change in isolation (\(split.sample) changes from the log, body \(split.averageBodyBytes) bytes on average)
          canonical body encoding  \(Report.fixed(split.encodeMicros, 1)) µs
          SHA-256 of the body      \(Report.fixed(split.hashMicros, 1)) µs
          Ed25519 sign             \(Report.fixed(split.signMicros, 1)) µs
          Ed25519 verify           \(Report.fixed(split.verifyMicros, 1)) µs
          the rest of the batched real path (reduce, materialize, SQLite): \
        \(Report.fixed(max(0, real.microsPerRow - crypto), 1)) µs of \(Report.fixed(real.microsPerRow, 1))

        verify (replay every case, check every hash and link, last signature of each run): \
        \(verify.changesChecked) changes, \(verify.casesChecked) cases in \(Report.fixed(verifySeconds, 2)) s
        peak RSS \(Report.fixed(rssAfterReal, 1)) MiB after the batched real path, \
        \(Report.fixed(MachineInfo.peakRSSMiB(), 1)) MiB for the whole run
        """)
    print("\n" + pageSection)
    print("\n" + printed)
    for section in syncSections { print("\n" + section) }
    print("\nwhole run \(Report.fixed((ContinuousClock.now - began).seconds, 1)) s")
    if options.keep { print("databases kept in \(root)") }
}

/// Runs a section of the report; a failure becomes its text instead of ending the run.
func section(_ name: String, _ body: () throws -> String) -> String {
    do { return try body() } catch {
        Progress.phase("\(name) failed: \(error)")
        return "\(name): FAILED — \(error)"
    }
}

do {
    try runBench(try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("liandong-bench: \(error)\n".utf8))
    exit(1)
}
