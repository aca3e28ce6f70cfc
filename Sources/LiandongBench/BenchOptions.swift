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

    var singleChanges: Int { single ?? max(1, changes / 10) }

    static let usage = """
        usage: liandong-bench [--changes N] [--single N] [--batch N] [--examples DIR] [--keep]
          --changes N    changes through the real path, BATCH per transaction (default 100000)
          --single N     changes through the real path, one per transaction (default changes/10)
          --batch N      drafts per record([…]) call and rows per raw transaction (default 100)
          --examples DIR where catalog.json and calendar-2026.json are (default Deploy/examples)
          --keep         keep the temporary databases and print where they are
        """

    init(arguments: [String]) throws {
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
