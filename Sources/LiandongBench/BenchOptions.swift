import Foundation

/// BenchOptions are the command-line flags of `liandong-bench`.
struct BenchOptions {
    /// Changes made through the real path in batched transactions (issue 2 asks for 100,000).
    var changes = 100_000
    /// Changes made one per transaction; fewer by default, because each commit is an fsync.
    var single: Int?
    /// Drafts per `record([…])` call, and rows per raw transaction.
    var batch = 100
    /// Directory holding catalog.json and calendar-2026.json.
    var examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Deploy/examples").path
    var keep = false
    /// Changes made at the village and pushed through the township to the county (default: changes).
    var sync: Int?
    /// County decisions timed to the village (issue 3 asks for 200).
    var decisions = 200
    /// Skips the sync rows (two hops, latency, wire bytes).
    var noSync = false
    /// Changes held by the stores before each scale column (issue 11: 20,000, 100,000 and 1,000,000).
    var scale = [20_000, 100_000]
    /// Fresh changes measured in each scale column.
    var scaleSample = 10_000
    /// Drafts per record([…]) call while the scale run fills the stores.
    var fillBatch = 1000
    /// PostgreSQL's reference peer (issue 11), run when the script is there and the bench is root.
    var pgScript: String? = PostgresPeer.defaultScript
    /// Children of the county in the county load (issue 11 item 5: 600); 0 skips it.
    var countyChildren = 600
    /// Changes each child records and pushes in the burst (a day's work).
    var countyDay = 30
    /// The `liandong` binary run as the county's serve process (default: next to this binary).
    var liandong = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("liandong").path

    var singleChanges: Int { single ?? max(1, changes / 10) }
    var syncChanges: Int { sync ?? changes }

    /// Small counts for development: `--quick` or LIANDONG_BENCH_QUICK=1.
    mutating func makeQuick() {
        changes = 5000
        single = 500
        sync = 5000
        decisions = 20
        scale = [2000, 10000]
        scaleSample = 1000
        countyChildren = 50
    }

    static let usage = """
        usage: liandong-bench [--quick] [--changes N] [--single N] [--batch N] [--sync-changes N] [--decisions N]
                              [--no-sync] [--scale N,N,…] [--scale-sample N] [--fill-batch N] [--no-scale]
                              [--pg-script PATH] [--no-pg] [--county-children N] [--county-day N] [--liandong PATH]
                              [--examples DIR] [--keep]
          --quick          small counts for development (also LIANDONG_BENCH_QUICK=1): 5000, 500, 5000, 20
          --changes N      changes through the real path, BATCH per transaction (default 100000)
          --single N       changes through the real path, one per transaction (default changes/10)
          --batch N        drafts per record([…]) call and rows per raw transaction (default 100)
          --sync-changes N changes made at a village and pushed village → township → county (default changes)
          --decisions N    county decisions timed to the village (default 200)
          --no-sync        only the single-node rows (no PostgreSQL, scale or bootstrap rows either)
          --scale N,N,…    changes in the stores before each scale column (default 20000,100000;
                           issue 11's full run: --scale 20000,100000,1000000, about an hour here)
          --scale-sample N fresh changes measured in each scale column (default 10000)
          --fill-batch N   drafts per transaction while the scale run fills the stores (default 1000)
          --no-scale       skip the scale columns and the bootstrap of a new township
          --pg-script PATH PostgreSQL's logical replication peer (default /work/shared/peers/pg_logical.sh)
          --no-pg          skip the PostgreSQL rows
          --county-children N  villages (12-digit codes, 30 per township code, no township node) under the county serve process in the county load (default 600; 0 skips it)
          --county-day N   changes each of them pushes in the burst (default 30)
          --liandong PATH  the liandong binary run as the county's serve (default: next to liandong-bench)
          --examples DIR   where catalog.json and calendar-2026.json are (default Deploy/examples)
          --keep           keep the temporary databases and print where they are
        """

    init(arguments: [String]) throws {
        if ProcessInfo.processInfo.environment["LIANDONG_BENCH_QUICK"] == "1" { makeQuick() }
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            return v
        }
        func count(_ flag: String) throws -> Int {
            guard let n = Int(try value(flag)), n > 0 else { throw BenchError("\(flag) needs a positive integer") }
            return n
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--changes": changes = try count(flag)
            case "--single": single = try count(flag)
            case "--batch": batch = try count(flag)
            case "--examples": examples = try value(flag)
            case "--keep": keep = true
            case "--quick": makeQuick()
            case "--sync-changes": sync = try count(flag)
            case "--decisions": decisions = try count(flag)
            case "--no-sync": noSync = true
            case "--scale":
                let sizes = try value(flag).split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { throw BenchError("--scale needs positive integers separated by commas") }
                scale = sizes.compactMap { $0 }.sorted()
            case "--no-scale": scale = []
            case "--scale-sample": scaleSample = try count(flag)
            case "--fill-batch": fillBatch = try count(flag)
            case "--pg-script": pgScript = try value(flag)
            case "--no-pg": pgScript = nil
            case "--county-children":
                guard let n = Int(try value(flag)), n >= 0, n <= 999 else { throw BenchError("--county-children needs 0 to 999") }
                countyChildren = n
            case "--county-day": countyDay = try count(flag)
            case "--liandong": liandong = try value(flag)
            case "-h", "--help": throw BenchError(BenchOptions.usage)
            default: throw BenchError("unknown argument \(flag)\n" + BenchOptions.usage)
            }
        }
    }
}

/// BenchError ends the run with a message on stderr.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
