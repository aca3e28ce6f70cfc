import LiandongDomain
import LiandongStore
import LiandongSync

/// Metrics renders /metrics in the Prometheus text format (version 0.0.4).
enum Metrics {
    static func render(service: SyncService) throws -> String {
        let (counters, children, upward, quarantine, subtree, now) = try service.writer.read { store in
            (try store.syncCounters(), try store.childLinks(), try store.unackedUpward(), try store.quarantineCounts(), try store.subtreeView(), store.now())
        }
        // The root has no parent: no lag toward one.
        let up: [(String, String)] = NodeCode.parent(of: service.writer.code) == nil ? [] : [("{node=\"\(service.writer.code)\",peer=\"parent\",direction=\"up\"}", "")]
        let (clocks, healing) = try service.writer.read { store in (try store.nodeClocks(), try store.healStatus().state.isWaiting) }
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples { lines.append(name + labels + " " + value) }
        }
        let node = "node=\"\(service.writer.code)\""
        metric("liandong_changes_total", "counter", "Changes held in this node's log.", [("{\(node)}", "\(counters.changes)")])
        metric("liandong_quarantine_total", "gauge", "Changes held in quarantine at this node (a row goes when its change lands).",
               [("{\(node)}", "\(counters.quarantined)")])
        // Every known reason, 0 included, so that a dashboard tells "none" from "not reported".
        let reasons = QuarantineReason.all + quarantine.keys.filter { !QuarantineReason.all.contains($0) }.sorted()
        metric("liandong_quarantined_changes", "gauge", "Changes held in quarantine at this node, by reason.",
               reasons.map { ("{\(node),reason=\"\($0)\"}", "\(quarantine[$0] ?? 0)") })
        metric("liandong_conflicts_total", "counter", "Conflict records held at this node.", [("{\(node)}", "\(counters.conflicts)")])
        metric("liandong_peer_oldest_unacked_age_seconds", "gauge",
               "Age of the oldest change not yet acknowledged on the hop to the peer (0 when none).",
               children.map { ("{\(node),peer=\"\($0.code)\",direction=\"down\"}", seconds($0.oldestUnackedAge)) }
                + up.map { ($0.0, seconds(upward.oldestAge)) })
        metric("liandong_peer_unacked_changes", "gauge", "Changes not yet acknowledged on the hop to the peer.",
               children.map { ("{\(node),peer=\"\($0.code)\",direction=\"down\"}", "\($0.unacked)") }
                + up.map { ($0.0, "\(upward.count)") })
        // The whole subtree, not only direct children (issue 10, item 5).
        metric("liandong_subtree_last_heard_seconds", "gauge", "Seconds since the newest change of a node below was stored here (-1 before any).",
               subtree.map { ("{\(node),subtree_node=\"\($0.code)\"}", $0.lastHeard.map { String(format: "%.3f", Double(max(0, now - $0)) / 1000) } ?? "-1") })
        metric("liandong_subtree_quarantined_changes", "gauge", "Changes of a node's subtree held in quarantine here.",
               subtree.map { ("{\(node),subtree_node=\"\($0.code)\"}", "\($0.quarantined)") })
        metric("liandong_subtree_quarantined_below_changes", "gauge", "Changes of a node's subtree held in quarantine by nodes further down the path.",
               subtree.map { ("{\(node),subtree_node=\"\($0.code)\"}", "\($0.quarantinedBelow)") })
        metric("liandong_subtree_revoked", "gauge", "1 when a node below is revoked.",
               subtree.map { ("{\(node),subtree_node=\"\($0.code)\"}", $0.revoked ? "1" : "0") })
        metric("liandong_subtree_behind", "gauge", "1 when a direct child has had changes unacknowledged for over an hour (never for a revoked node).",
               subtree.map { ("{\(node),subtree_node=\"\($0.code)\"}", $0.isBehind ? "1" : "0") })
        metric("liandong_node_clock_offset_seconds", "gauge",
               "Clock offset of each node below from its parent's, as the parent measured it at the last hello (positive: ahead).",
               clocks.map { ("{\(node),peer=\"\($0.code)\"}", seconds($0.offsetMillis)) })
        metric("liandong_restore_healing", "gauge", "1 while this node, restored from a backup, waits for its children to return its changes.",
               [("{\(node)}", healing ? "1" : "0")])
        metric("liandong_http_requests_total", "counter", "HTTP answers by status.",
               service.statusCounts.snapshot.sorted { $0.key < $1.key }.map { ("{\(node),status=\"\($0.key)\"}", "\($0.value)") })
        return lines.joined(separator: "\n") + "\n"
    }

    static func seconds(_ millis: Int64?) -> String {
        guard let millis else { return "0" }
        return String(format: "%.3f", Double(millis) / 1000)
    }
}
