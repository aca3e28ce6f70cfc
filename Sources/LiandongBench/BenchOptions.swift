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

    var singleChanges: Int { single ?? max(1, changes / 10) }
    var syncChanges: Int { sync ?? changes }

    /// Small counts for development: `--quick` or LIANDONG_BENCH_QUICK=1.
    mutating func makeQuick() {
        changes = 5000
        single = 500
        sync = 5000
        decisions = 20
    }

    static let usage = """
        usage: liandong-bench [--quick] [--changes N] [--single N] [--batch N] [--sync-changes N] [--decisions N]
                              [--no-sync] [--examples DIR] [--keep]
          --quick          small counts for development (also LIANDONG_BENCH_QUICK=1): 5000, 500, 5000, 20
          --changes N      changes through the real path, BATCH per transaction (default 100000)
          --single N       changes through the real path, one per transaction (default changes/10)
          --batch N        drafts per record([…]) call and rows per raw transaction (default 100)
          --sync-changes N changes made at a village and pushed village → township → county (default changes)
          --decisions N    county decisions timed to the village (default 200)
          --no-sync        only the single-node rows
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
