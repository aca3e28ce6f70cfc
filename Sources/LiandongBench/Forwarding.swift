import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// Forwarding measures the two hops as the product runs them: the township's serve lanes forward to
/// the county while the village is still pushing to the township (store and forward with the
/// county reachable), so the hops overlap. Timed from the village's first push to the county
/// holding the last village change; fresh changes, so nothing is a duplicate.
struct Forwarding {
    var changes = 0
    var seconds = 0.0
    /// Pushes the township's lane sent while the village was pushing and after.
    var townshipPushes = 0

    static func run(tree: SyncTree, village: RealPath, count: Int, batch: Int, county: NodeServer, log: BenchLog) throws -> Forwarding {
        var result = Forwarding()
        Progress.phase("relay: \(count) more changes at the village")
        let before = try tree.store(SyncTree.village).chainHead(of: SyncTree.village).seq
        _ = try village.runBatched(count: count, batch: batch)
        let last = try tree.store(SyncTree.village).chainHead(of: SyncTree.village).seq
        result.changes = Int(last - before)

        Progress.phase("relay: village → township → county, the township forwarding as it receives")
        let countyTap = try WireTap(upstreamPort: county.port)
        defer { countyTap.stop() }
        let township = try tree.serve(SyncTree.township, parentURL: countyTap.url, log: log.closure)
        defer { township.stop() }
        let townshipTap = try WireTap(upstreamPort: township.port)
        defer { townshipTap.stop() }
        let countyStore = tree.store(SyncTree.county)
        let pushesBefore = countyTap.snapshot.count("push")
        let clock = ContinuousClock()
        let began = clock.now
        let client = try tree.client(SyncTree.village, parentURL: townshipTap.url)
        try client.hello()
        _ = try client.pushAll()
        // The county is read on the bench's own connection every 10 ms: a cheap indexed lookup.
        let deadline = began + .seconds(600)
        while try countyStore.chainHead(of: SyncTree.village).seq < last {
            guard clock.now < deadline else { throw BenchError("the county did not get every relayed change within 600 s\n\(log.tail)") }
            Thread.sleep(forTimeInterval: 0.01)
        }
        result.seconds = (clock.now - began).seconds
        result.townshipPushes = countyTap.snapshot.count("push") - pushesBefore
        // The village's chain starts at seq 1: the county must hold all of it, none quarantined.
        try TwoHop.checkHeld(tree, at: SyncTree.county, expected: Int(last), log: log)
        return result
    }
}
