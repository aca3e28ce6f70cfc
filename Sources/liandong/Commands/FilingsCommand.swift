import LiandongDomain
import LiandongStore

/// `liandong filings list`: 否定备案, every refusal (不予受理) and denial (不予许可) of the cases held
/// here with its reasons, at the county its whole subtree's; filterable by node, item and period.
/// A case is ordered handled again with `liandong case rehandle NUMBER --reason …`.
enum FilingsCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["list": list] }

    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let filter = try PeriodArguments.filter(&context)
        try context.args.finish(maxPositionals: 0)
        let filings = try store.negativeFilings(filter)
        let lines = filings.map { filing -> String in
            var line = Console.pad(filing["on"]?.stringValue ?? "", 12) + Console.pad(filing["kindName"]?.stringValue ?? "", 10)
                + Console.pad(filing["number"]?.stringValue ?? "", 30) + Console.pad(filing["node"]?.stringValue ?? "", 14)
                + Console.pad(filing["item"]?["name"]?.stringValue ?? "", 24) + "理由："
                + (filing["reasons"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "；")
            if let rehandling = filing["rehandling"], !rehandling.isNull {
                line += "（已责令重新办理：\(rehandling["reason"]?.stringValue ?? "")）"
            }
            return line
        }
        context.console.emit(["filings": .array(filings)], text: filings.isEmpty ? "没有否定备案记录" : lines.joined(separator: "\n"))
    }
}
