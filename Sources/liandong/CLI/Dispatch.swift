import Foundation
import LiandongDomain

extension CommandLine {
    /// Runs one command line and returns the exit status; every error is printed here, once.
    static func run(_ tokens: [String]) -> Int32 {
        guard let command = tokens.first, command != "help", command != "--help" else {
            Console(json: tokens.contains("--json")).emit(Help.json, text: Help.text)
            return 0
        }
        var rest = Array(tokens.dropFirst())
        let wantsJSON = rest.contains("--json")
        do {
            let handler: (inout CommandContext) throws -> Void
            switch command {
            case "init": handler = InitCommand.run
            case "catalog": handler = try subcommand(&rest, ["import": CatalogCommand.importFile, "list": CatalogCommand.list, "show": CatalogCommand.show])
            case "calendar": handler = try subcommand(&rest, ["set": CalendarCommand.set, "show": CalendarCommand.show])
            case "case": handler = try CaseCommand.handler(&rest)
            case "node": handler = try subcommand(&rest, NodeCommand.table)
            case "conflicts": handler = try subcommand(&rest, ["list": ConflictsCommand.list, "resolve": ConflictsCommand.resolve])
            case "quarantine": handler = try subcommand(&rest, QuarantineCommand.table)
            case "staff": handler = try subcommand(&rest, StaffCommand.table)
            case "notice": handler = try subcommand(&rest, NoticeCommand.table)
            case "filings": handler = try subcommand(&rest, FilingsCommand.table)
            case "settings": handler = try subcommand(&rest, SettingsCommand.table)
            case "status": handler = StatusCommand.run
            case "serve": handler = ServeCommand.run
            case "sync": handler = SyncCommand.run
            case "bundle": handler = try subcommand(&rest, BundleCommand.table)
            case "stats": handler = StatsCommand.run
            case "verify": handler = VerifyCommand.run
            case "doctor": handler = DoctorCommand.run
            case "backup":
                if rest.first == "check" {
                    rest.removeFirst()
                    handler = BackupCommand.check
                } else {
                    handler = BackupCommand.backup
                }
            case "restore": handler = BackupCommand.restore
            case "heal": handler = try subcommand(&rest, HealCommand.table)
            case "tls": handler = try subcommand(&rest, TLSCommand.table)
            case "demo": handler = DemoCommand.run
            case "version", "--version":
                Console(json: wantsJSON).emit(["version": .string(Help.version)], text: "liandong \(Help.version)")
                return 0
            default: throw CLIError.usage("未知命令 \(command)")
            }
            var context = try CommandContext(rest)
            try handler(&context)
            return 0
        } catch is DoctorFound {
            return 1
        } catch {
            let failure = CLIError.from(error)
            Console.stderr("错误：\(failure.message)\n")
            if let detail = failure.detail { Console.stderr(detail + "\n") }
            if wantsJSON {
                var fields = failure.fields
                fields["error"] = .string(failure.code)
                fields["message"] = .string(failure.message)
                Console.stdout(JSONValue.object(fields).prettyString + "\n")
            }
            return failure.exitCode
        }
    }

    private static func subcommand(
        _ rest: inout [String], _ table: [String: (inout CommandContext) throws -> Void]
    ) throws -> (inout CommandContext) throws -> Void {
        guard let name = rest.first else { throw CLIError.usage("缺少子命令：\(table.keys.sorted().joined(separator: "|"))") }
        guard let handler = table[name] else {
            throw CLIError.usage("未知子命令 \(name)，可用：\(table.keys.sorted().joined(separator: "|"))")
        }
        rest.removeFirst()
        return handler
    }
}
