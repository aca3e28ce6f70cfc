import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// PostgresPeer runs the reference peer of issue 11 in the same bench session:
/// `../shared/peers/pg_logical.sh N` (PostgreSQL 15 logical replication between two local clusters,
/// the same change-log rows), and reads its table so that its rows print beside liandong's.
struct PostgresPeer {
    struct Row {
        var label: String
        var rows: Int
        var insertSeconds: Double
        /// Until the subscriber counted every row; nil for the unpublished raw rows.
        var replicatedSeconds: Double?
        var perSecond: Double
    }

    var rows: [Row] = []
    /// The script's own `#` lines: version, cores, file system, settings.
    var notes: [String] = []
    /// Why there are no rows, when there are none.
    var notRun: String?
    var seconds = 0.0

    /// The script next to the project's shared notes, as the issue names it.
    static let defaultScript = "/work/shared/peers/pg_logical.sh"

    static func run(script: String, count: Int) -> PostgresPeer {
        var peer = PostgresPeer()
        guard FileManager.default.isReadableFile(atPath: script) else {
            peer.notRun = "\(script) is not there"
            return peer
        }
        guard getuid() == 0 else {
            peer.notRun = "pg_logical.sh runs PostgreSQL's clusters as the postgres user and must start as root; this bench is not root"
            return peer
        }
        Progress.phase("PostgreSQL logical replication: \(script) \(count)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "\(count)"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let began = ContinuousClock.now
        do { try process.run() } catch {
            peer.notRun = "cannot start \(script): \(error)"
            return peer
        }
        // Read both pipes before waiting: a full pipe would stall the script.
        let errorText = ReadAll(err.fileHandleForReading)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        peer.seconds = (ContinuousClock.now - began).seconds
        peer.parse(text)
        if process.terminationStatus != 0 || peer.rows.isEmpty {
            let tail = errorText.text.split(separator: "\n").suffix(3).joined(separator: " / ")
            peer.notRun = "pg_logical.sh exited with status \(process.terminationStatus)\(tail.isEmpty ? "" : ": " + tail)"
        }
        return peer
    }

    /// Lines `LABEL ROWS INSERT_S REPL_DONE_S|- ROWS/S`; `#` lines are notes; the column header is skipped.
    mutating func parse(_ text: String) {
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#") {
                notes.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                continue
            }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 5, let count = Int(fields[fields.count - 4]), let insert = Double(fields[fields.count - 3]),
                  let perSecond = Double(fields[fields.count - 1]) else { continue }
            rows.append(Row(label: fields.dropLast(4).joined(separator: " "), rows: count, insertSeconds: insert,
                            replicatedSeconds: Double(fields[fields.count - 2]), perSecond: perSecond))
        }
    }
}

/// ReadAll drains a pipe on its own thread, so that the other pipe can be read at the same time.
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    var text: String {
        done.wait()
        done.signal()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Report {
    /// PostgreSQL's rows beside liandong's for the same N: one hop each way of measuring.
    static func postgres(_ peer: PostgresPeer, twoHop: TwoHop, relay: Forwarding, single: Phase, rawSingle: Phase) -> String {
        guard peer.notRun == nil else {
            return "PostgreSQL logical replication (issue 11's reference peer): not run — \(peer.notRun ?? "")"
        }
        func line(_ name: String, _ rows: Int, _ seconds: Double, _ perSecond: Double) -> String {
            row(name, "\(rows)", fixed(seconds, 2), grouped(perSecond), fixed(perSecond > 0 ? 1e6 / perSecond : 0, 1), "")
        }
        func rate(_ rows: Int, _ seconds: Double) -> Double { seconds > 0 ? Double(rows) / seconds : 0 }
        var lines = [row("path (same N)", "rows", "seconds", "changes/s", "µs/change", "")]
        for pg in peer.rows {
            let name = "pg    " + (pg.replicatedSeconds == nil ? "" : "repl ") + pg.label
            lines.append(line(name, pg.rows, pg.replicatedSeconds ?? pg.insertSeconds, pg.perSecond))
        }
        lines.append(line("liandong hop 1 village → township", twoHop.changes, twoHop.hop1Seconds, rate(twoHop.changes, twoHop.hop1Seconds)))
        lines.append(line("liandong hop 2 township → county", twoHop.changes, twoHop.hop2Seconds, rate(twoHop.changes, twoHop.hop2Seconds)))
        lines.append(line("liandong two hops, township relaying", relay.changes, relay.seconds, rate(relay.changes, relay.seconds)))
        lines.append(line("liandong raw INSERT, \(twoHop.rawBatch)/transaction", twoHop.changes, twoHop.rawSeconds, rate(twoHop.changes, twoHop.rawSeconds)))
        lines.append(line("liandong local write, 1/transaction", single.rows, single.seconds, single.perSecond))
        lines.append(line("liandong raw INSERT, 1/transaction", rawSingle.rows, rawSingle.seconds, rawSingle.perSecond))
        return """
            PostgreSQL logical replication beside liandong (issue 11), run in this session: \
            \(PostgresPeer.defaultScript) \(peer.rows.first?.rows ?? 0) (\(fixed(peer.seconds, 0)) s with setup)
            \(peer.notes.map { "  " + $0 }.joined(separator: "\n"))
            \(lines.joined(separator: "\n"))
            pg repl rows are one hop end to end (insert at the publisher until the subscriber counts them all; (a) is one \
            transaction of N rows, (b) N/10 rows one transaction each); pg raw rows insert into an unpublished table. \
            PostgreSQL's rows carry a ~300-byte payload and no signature, hash chain or case state; liandong's carry \
            \(twoHop.changes > 0 ? twoHop.canonicalBytes / twoHop.changes : 0) bytes of canonical text each, SHA-256, Ed25519 and the reduced case
            """
    }
}
