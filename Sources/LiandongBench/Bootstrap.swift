import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// Bootstrap is issue 11 item 6: a new township joins the county the scale run filled and takes,
/// in one `sync --once`-style exchange, what the county routes to its subtree, and only that; the
/// time and the bytes that crossed the socket (a WireTap in front of the county's server).
struct Bootstrap {
    static let code = "330106002"
    /// Changes the county held when the township joined.
    var countyHeld = 0
    /// Distinct changes the county routes to the new township's subtree (party `*`, it, or below it).
    var routed = 0
    /// Changes the new township stored from the county, and how many of them are the filled village's.
    var received = 0
    var fromOtherSubtree = 0
    var seconds = 0.0
    var wire = WireTap.Counts()

    static func run(_ scale: ScaleRun) throws -> Bootstrap {
        var result = Bootstrap()
        let tree = scale.tree
        let county = tree.store(SyncTree.county)
        Progress.phase("bootstrap: township \(code) joins a county holding its changes")
        let township = try NodeStore.initialize(directory: tree.root + "/" + code, role: .township, code: code,
                                                name: "双浦镇便民服务中心", now: tree.clock.closure)
        // Enrollment is not what is measured: keys are exchanged as the sync tree's nodes' are.
        try county.trust(code: code, role: .township, name: township.identity.name, publicKey: township.identity.publicKey)
        try township.trust(code: SyncTree.county, role: .county, name: county.identity.name, publicKey: county.identity.publicKey)
        let ownBefore = Int(try township.db.scalarInt("SELECT count(*) FROM changes") ?? 0)
        result.countyHeld = try tree.count(SyncTree.county, "SELECT count(*) FROM changes")
        result.routed = try tree.count(SyncTree.county, "SELECT count(DISTINCT lsn) FROM routes WHERE party = '*' OR (party >= ? AND party < ?)",
                                       [.text(code), .text(code + "\u{7F}")])

        let tap = try WireTap(upstreamPort: scale.county.port)
        defer { tap.stop() }
        let clock = ContinuousClock()
        result.seconds = try clock.measure {
            let client = try SyncClient(store: township, parentURL: tap.url, configuration: HTTPClient.Configuration(timeout: .seconds(300)))
            _ = try client.syncOnce()
        }.seconds
        result.wire = tap.snapshot
        result.received = Int(try township.db.scalarInt("SELECT count(*) FROM changes") ?? 0) - ownBefore
        result.fromOtherSubtree = Int(try township.db.scalarInt("SELECT count(*) FROM changes WHERE origin = ?", [.text(SyncTree.village)]) ?? 0)
        return result
    }
}

extension Report {
    static func bootstrap(_ run: Bootstrap) -> String {
        """
        bootstrap (issue 11): a new township \(Bootstrap.code) joins county \(SyncTree.county), which holds \
        \(grouped(Double(run.countyHeld))) changes (nearly all of them township \(SyncTree.township)'s subtree), and syncs once
          the county routes \(run.routed) changes to the new subtree (party *: catalog, calendar, registry; no case of it yet)
          received \(run.received) changes in \(fixed(run.seconds, 2)) s; \(run.fromOtherSubtree) of them from the other subtree \
        (only its subtree's: \(verdict(run.fromOtherSubtree == 0 && run.received == run.routed)))
          on the wire: \(grouped(Double(run.wire.bytesDown))) bytes down, \(grouped(Double(run.wire.bytesUp))) up, \
        \(run.wire.requests) requests (\(["hello", "push", "pull", "fetch"].map { "\($0) \(run.wire.count($0))" }.joined(separator: ", ")))
        """
    }
}
