import Foundation
import LiandongDomain
import LiandongStore

/// CommandContext is what every command gets: its arguments, the console, and the way to open the node.
struct CommandContext {
    var args: Arguments
    let console: Console
    /// The config file's settings; its option-named keys are already `args.defaults`.
    let config: NodeConfig
    /// The config file read, if any.
    let configPath: String?

    init(_ tokens: [String]) throws {
        var args = try Arguments(tokens)
        self.console = Console(json: args.flag("json"))
        (config, configPath) = try ConfigFile.load(explicit: try args.optional("config"))
        args.defaults = config.values
        self.args = args
    }

    /// `--data DIR` (or `data` in the config file), required by every command that works on a node.
    mutating func dataDirectory() throws -> String {
        try args.required("data", "数据目录，或在配置文件中写 data = DIR")
    }

    mutating func openStore() throws -> NodeStore {
        let store = try NodeStore.open(directory: try dataDirectory())
        // Staff are told at once when the clock is off by more than a minute (issue 10, clock safety);
        // beyond the limit the recording itself refuses, with both times.
        if case .warn(let offset) = (try? store.clockVerdict())?.verdict {
            Console.stderr("警告：" + ClockSafety.warning(offsetMillis: offset, local: store.now(),
                                                       reference: store.identity.role == .county ? "各乡镇" : "上级") + "\n")
        }
        return store
    }

    /// The staff member acting: `--actor`, else the login name.
    mutating func actor() throws -> String {
        if let actor = try args.optional("actor"), !actor.isEmpty { return actor }
        // No English reaches a record staff read: the login name is kept in brackets for the audit.
        let user = ProcessInfo.processInfo.environment["USER"].map { "（\($0)）" } ?? ""
        return "本机操作员" + user
    }

    /// Reads and parses a JSON file named on the command line.
    func readJSONFile(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(code: "file_not_found", message: "无法读取文件 \(path)")
        }
        guard data.count <= 16 << 20 else { throw CLIError(code: "file_too_large", message: "文件 \(path) 超过 16 MiB") }
        return try JSONParser.parse([UInt8](data))
    }
}
