import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// TwoHop measures issue 3's throughput figure: changes made at a village through the real record
/// path, pushed to its township and from there to the county over real HTTP on loopback, with the
/// real SyncClient against a real NodeServer at each hop (signed requests, gzip bodies, batches
/// sized by BatchSizer; the receiver checks hash, chain, the signature of each run and authority,
/// then stores, routes and materializes). The hops run one after the other, as store-and-forward
/// while the county is unreachable, so that each hop's cost stands alone; a relay in front of each
/// server counts the bytes that crossed the socket.
struct TwoHop {
    var changes = 0
    var cases = 0
    /// Drafts per record([…]) call at the village.
    var batch = 0
    var recordSeconds = 0.0
    var hop1Seconds = 0.0
    var hop2Seconds = 0.0
    var hop1Wire = WireTap.Counts()
    var hop2Wire = WireTap.Counts()
    var rawBatch = 0
    var rawSeconds = 0.0
    /// The canonical wire text of the same changes, and its gzip in chunks of the largest push batch.
    var canonicalBytes = 0
    var canonicalGzipBytes = 0
    var quarantined = 0

    var endToEndSeconds: Double { hop1Seconds + hop2Seconds }
    var meanPushBatch: Double { hop1Wire.count("push") > 0 ? Double(changes) / Double(hop1Wire.count("push")) : 0 }

    /// Runs the two hops on `tree` and leaves the county's server running for the latency phase.
    static func run(tree: SyncTree, count: Int, batch: Int, county: NodeServer, log: BenchLog) throws -> (TwoHop, RealPath) {
        var result = TwoHop()
        result.batch = batch
        let township = try tree.serve(SyncTree.township, log: log.closure)
        defer { township.stop() }

        // The catalog and calendar go down first: a village accepts only items it holds.
        _ = try tree.client(SyncTree.township, parentURL: county.url).syncOnce()
        _ = try tree.client(SyncTree.village, parentURL: township.url).syncOnce()

        Progress.phase("two-hop: \(count) changes at the village through the real path")
        let village = try RealPath(store: tree.store(SyncTree.village), mix: CaseScript.villageMix)
        let made = try village.runBatched(count: count, batch: batch)
        result.recordSeconds = made.seconds
        result.cases = made.cases
        result.changes = try tree.count(SyncTree.village, "SELECT count(*) FROM changes WHERE origin = ?", [.text(SyncTree.village)])

        Progress.phase("two-hop: hop 1, village → township")
        let townshipTap = try WireTap(upstreamPort: township.port)
        defer { townshipTap.stop() }
        let clock = ContinuousClock()
        result.hop1Seconds = try clock.measure {
            let client = try tree.client(SyncTree.village, parentURL: townshipTap.url)
            try client.hello()
            _ = try client.pushAll()
        }.seconds
        result.hop1Wire = townshipTap.snapshot
        try checkHeld(tree, at: SyncTree.township, expected: result.changes, log: log)

        Progress.phase("two-hop: hop 2, township → county")
        let countyTap = try WireTap(upstreamPort: county.port)
        defer { countyTap.stop() }
        result.hop2Seconds = try clock.measure {
            let client = try tree.client(SyncTree.township, parentURL: countyTap.url)
            try client.hello()
            _ = try client.pushAll()
        }.seconds
        result.hop2Wire = countyTap.snapshot
        try checkHeld(tree, at: SyncTree.county, expected: result.changes, log: log)
        result.quarantined = try tree.count(SyncTree.township, "SELECT count(*) FROM quarantine")
            + tree.count(SyncTree.county, "SELECT count(*) FROM quarantine")

        Progress.phase("two-hop: raw inserts of the same rows, canonical encoding")
        let rows = try LogRow.read(from: tree.store(SyncTree.village).db, afterLSN: village.setupLSN)
        result.rawBatch = max(1, Int(result.meanPushBatch.rounded()))
        result.rawSeconds = try RawInsert.run(rows, batch: result.rawBatch, path: tree.root + "/raw-two-hop.sqlite")
        (result.canonicalBytes, result.canonicalGzipBytes) = try canonical(tree.store(SyncTree.village), after: village.setupLSN)
        return (result, village)
    }

    /// Throws unless `code` holds every change of the village and quarantined none.
    static func checkHeld(_ tree: SyncTree, at code: String, expected: Int, log: BenchLog) throws {
        let held = try tree.count(code, "SELECT count(*) FROM changes WHERE origin = ?", [.text(SyncTree.village)])
        let quarantined = try tree.count(code, "SELECT count(*) FROM quarantine")
        guard held == expected, quarantined == 0 else {
            throw BenchError("\(code) holds \(held) of \(expected) village changes, \(quarantined) quarantined\n\(log.tail)")
        }
    }

    /// The village's changes as canonical wire text (`[change, …]`, Protocol/canonical.md) and its
    /// gzip at the client's level, in chunks of `BatchSizer.maximum` changes.
    static func canonical(_ store: NodeStore, after lsn: Int64) throws -> (bytes: Int, gzipBytes: Int) {
        var bytes = 0
        var gzipBytes = 0
        var next = lsn
        while true {
            let page = try store.changes(afterLSN: next, limit: BatchSizer.maximum)
            guard let last = page.last else { break }
            next = last.lsn
            let text = JSONValue.array(page.map(\.change).filter { $0.origin == SyncTree.village }.map(\.wireJSON)).canonicalBytes
            bytes += text.count
            gzipBytes += try Gzip.compress(text).count
        }
        return (bytes, gzipBytes)
    }
}
