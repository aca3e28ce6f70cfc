import LiandongDomain
import LiandongStore

/// `liandong verify`: replays every case and checks every hash, chain link and signature.
enum VerifyCommand {
    static func run(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let report = try store.verify()
        let document: JSONValue = [
            "ok": .bool(report.isClean), "changes": .int(Int64(report.changesChecked)), "signatures": .int(Int64(report.signaturesChecked)),
            "cases": .int(Int64(report.casesChecked)), "problems": .array(report.problems.map(\.json)),
        ]
        if report.isClean {
            context.console.emit(document, text: "核验通过：\(report.changesChecked) 条变更、\(report.signaturesChecked) 个签名、\(report.casesChecked) 个办件")
            return
        }
        for problem in report.problems { Console.stderr("问题 [\(problem.code)] \(problem.message)\n") }
        throw CLIError(code: "verify_failed", message: "核验发现 \(report.problems.count) 个问题", fields: ["problems": .array(report.problems.map(\.json))], exitCode: 3, detail: nil)
    }
}
