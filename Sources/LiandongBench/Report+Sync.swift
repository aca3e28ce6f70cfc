import Foundation

/// The sync rows of the report (issue 3 item 8), each beside its target.
extension Report {
    static func verdict(_ met: Bool) -> String { met ? "met" : "NOT met" }

    static func twoHop(_ run: TwoHop, relay: Forwarding) -> String {
        let raw = Phase(name: "raw   INSERT changes, \(run.rawBatch)/transaction", rows: run.changes, seconds: run.rawSeconds)
        func line(_ phase: Phase, ratio: Bool = true) -> String {
            let r = raw.perSecond > 0 ? phase.perSecond / raw.perSecond : 0
            return row(phase.name, "\(phase.rows)", fixed(phase.seconds, 2), grouped(phase.perSecond), fixed(phase.microsPerRow, 1), ratio ? fixed(r, 3) : "")
        }
        let endToEnd = Phase(name: "sync  end to end, hop 1 then hop 2", rows: run.changes, seconds: run.endToEndSeconds)
        let relayed = Phase(name: "sync  end to end, township relaying (serve)", rows: relay.changes, seconds: relay.seconds)
        let ratio = raw.perSecond > 0 ? relayed.perSecond / raw.perSecond : 0
        return """
            two hops: \(run.changes) changes (\(run.cases) cases) made at village \(SyncTree.village), pushed to township \
            \(SyncTree.township), then to county \(SyncTree.county), over HTTP on 127.0.0.1 (SyncClient → NodeServer: signed, \
            gzip'd, batches by BatchSizer; each hop checks hash, chain, run signature, authority, then stores and routes)
            \(row("write path", "rows", "seconds", "changes/s", "µs/change", "real/raw"))
            \(line(Phase(name: "real  village record, \(run.batch)/transaction", rows: run.changes, seconds: run.recordSeconds)))
            \(line(Phase(name: "sync  hop 1 village → township", rows: run.changes, seconds: run.hop1Seconds)))
            \(line(Phase(name: "sync  hop 2 township → county", rows: run.changes, seconds: run.hop2Seconds)))
            \(line(endToEnd))
            \(line(relayed))
            \(line(raw, ratio: false))
            raw inserts the same rows in transactions of the mean push batch (\(fixed(run.meanPushBatch, 0)) changes, \
            \(run.hop1Wire.count("push")) pushes on hop 1, \(run.hop2Wire.count("push")) on hop 2); quarantined at the hops: \(run.quarantined)
            relaying: \(relay.changes) more village changes pushed to the township while its serve lanes forward to the county \
            (\(relay.townshipPushes) pushes up), timed until the county holds the last one: the hops overlap, as deployed
            target: two-hop throughput ≥ 0.25 × raw insert: \(fixed(ratio, 3)) × raw relaying \
            (\(fixed(raw.perSecond > 0 ? endToEnd.perSecond / raw.perSecond : 0, 3)) × one hop after the other) — \(verdict(ratio >= 0.25))
            """
    }

    static func latency(_ run: DecisionLatency, decisions: Int) -> String {
        let p50 = run.percentile(0.50)
        let p99 = run.percentile(0.99)
        let sorted = run.samples.sorted()
        func ms(_ seconds: Double) -> String { fixed(seconds * 1000, 1) + " ms" }
        func echo(_ counts: WireTap.Counts) -> String {
            ["hello", "push", "pull", "fetch"].map { "\($0) \(counts.count($0))" }.joined(separator: ", ")
        }
        return """
            county → village decision latency: \(run.samples.count) approvals recorded one at a time at the county (own \
            connection, as the CLI), township and village running their serve lanes (push every 250 ms, pull long-poll 20 s); \
            from the county's commit to the village's store holding the approval
              p50 \(ms(p50))   p99 \(ms(p99))   min \(ms(sorted.first ?? 0))   mean \(ms(run.mean))   max \(ms(sorted.last ?? 0))
              the county's server sees another process's commit by polling its last route every \
            \(fixed(DecisionLatency.watchInterval, 1)) s; a random pause of 0–\(fixed(2 * DecisionLatency.watchInterval, 1)) s \
            before each decision samples that period evenly
              requests during the measured decisions: township → county \(echo(run.townshipUp)); \
            village → township \(echo(run.villageUp))
            target: p50 < 1 s: \(ms(p50)) — \(verdict(p50 < 1))
            \(upload(run))
            """
    }

    /// The decisions timed while the village's scan was on its way up (issue 12).
    static func upload(_ run: DecisionLatency) -> String {
        func ms(_ seconds: Double) -> String { fixed(seconds * 1000, 1) + " ms" }
        let p50 = DecisionLatency.percentile(0.50, of: run.duringUpload)
        let p99 = DecisionLatency.percentile(0.99, of: run.duringUpload)
        let firstHop = run.firstHopSeconds.map { "at the township after \(fixed($0, 1)) s, " } ?? ""
        let arrival = run.uploadSeconds.map { "the file was whole \(firstHop)at the county \(fixed($0, 1)) s after the attach "
            + "(\(fixed(Double(run.uploadBytes) / 1_000_000 / $0, 2)) MB/s over two hops)" } ?? "the file had not reached the county"
        return """
            the same while a \(fixed(Double(run.uploadBytes) / 1_000_000, 0)) MB scan travels village → township → county on the file lane \
            (the village's lane capped at \(run.uploadCapKiB) KiB/s, as its working hours may be): \(run.duringUpload.count) approvals
              p50 \(ms(p50))   p99 \(ms(p99))   (without the upload: p50 \(ms(run.percentile(0.5))), p99 \(ms(run.percentile(0.99))))
              \(arrival)
            """
    }

    static func wire(_ run: TwoHop) -> String {
        let n = Double(max(1, run.changes))
        func perChange(_ bytes: Int) -> String { fixed(Double(bytes) / n, 1) }
        let body = run.hop1Wire.body("push")
        let ratio = run.canonicalGzipBytes > 0 ? Double(body) / Double(run.canonicalGzipBytes) : 0
        return """
            bytes on the wire per change, counted by a relay in front of each server (\(run.changes) changes)
              hop 1 push request bodies, gzip'd as sent     \(perChange(body)) bytes   (\(run.hop1Wire.count("push")) requests)
              hop 1 everything the village sent (heads too)  \(perChange(run.hop1Wire.bytesUp)) bytes
              hop 2 push request bodies, gzip'd as sent     \(perChange(run.hop2Wire.body("push"))) bytes   (\(run.hop2Wire.count("push")) requests)
              canonical wire text of the same changes        \(perChange(run.canonicalBytes)) bytes
              gzip of that text (level 6, 5000 per chunk)    \(perChange(run.canonicalGzipBytes)) bytes
            target: push bodies ≤ 1.2 × gzip of the canonical encoding: \(fixed(ratio, 3)) — \(verdict(ratio <= 1.2))\
            \(run.hop1Wire.unparsed + run.hop2Wire.unparsed > 0 ? "\n  (some requests were chunked: body counts are incomplete)" : "")
            """
    }
}
