import LiandongDomain
import LiandongStore

/// `liandong stats`: on-time rate, early rate, immediate-case rate, average working days,
/// supplement rate and satisfaction, overall and per item (DESIGN §8).
enum StatsCommand {
    static func run(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let from = try date(&context, "from")
        let to = try date(&context, "to")
        try PeriodArguments.checkOrder(from, to)
        let node = try context.args.optional("node")
        if let node, NodeCode.role(of: node) == nil { throw CLIError.usage("--node 应为节点代码（6、9 或 12 位）") }
        try context.args.finish(maxPositionals: 0)
        let result = try store.statistics(from: from, to: to, node: node)
        func entry(_ stats: CaseStatistics, _ extra: [String: JSONValue]) -> JSONValue {
            guard case .object(var fields) = stats.json else { return .null }
            fields.merge(extra) { $1 }
            return .object(fields)
        }
        let document: JSONValue = [
            "from": .optional(from?.iso), "to": .optional(to?.iso), "node": .optional(node),
            "overall": result.overall.json,
            "items": .array(result.perItem.map { entry($0.stats, ["item": .string($0.code), "name": .string($0.name)]) }),
            "nodes": .array(result.perNode.map { entry($0.stats, ["node": .string($0.code)]) }),
            "calendarWarning": .optional(result.calendarWarning),
        ]
        var text = "统计（\(from?.iso ?? "全部")—\(to?.iso ?? "至今")\(node.map { "，\($0) 及其下级" } ?? "")）\n"
        if let warning = result.calendarWarning { text += "【提醒】\(warning)\n" }
        text += Console.pad("事项", 32) + line(header: true, CaseStatistics())
        text += "\n" + Console.pad("合计", 32) + line(header: false, result.overall)
        for entry in result.perItem { text += "\n" + Console.pad(entry.name, 32) + line(header: false, entry.stats) }
        text += "\n\n" + Console.pad("节点（含下级）", 32) + line(header: true, CaseStatistics())
        for entry in result.perNode { text += "\n" + Console.pad(entry.code, 32) + line(header: false, entry.stats) }
        context.console.emit(document, text: text)
    }

    private static func date(_ context: inout CommandContext, _ name: String) throws -> LocalDate? {
        guard let text = try context.args.optional(name) else { return nil }
        guard let date = LocalDate(iso: text) else { throw CLIError.usage("--\(name) 应为 YYYY-MM-DD") }
        return date
    }

    private static func percent(_ value: JSONValue?) -> String {
        guard let permille = value?.intValue else { return "—" }
        return "\(permille / 10).\(permille % 10)%"
    }

    private static func line(header: Bool, _ stats: CaseStatistics) -> String {
        if header {
            return ["办件", "办结", "按时办结率", "提前办结率", "即办件率", "平均工作日", "补正率", "满意率", "不予受理", "一次性告知", "回访按时"]
                .map { Console.pad($0, 12) }.joined()
        }
        let json = stats.json
        let average = json["averageWorkingDaysTenths"]?.intValue.map { "\($0 / 10).\($0 % 10)" } ?? "—"
        return [String(stats.cases), String(stats.completed), percent(json["onTimeRatePermille"]), percent(json["earlyRatePermille"]),
                percent(json["immediateRatePermille"]), average, percent(json["supplementRatePermille"]),
                percent(json["satisfactionRatePermille"]), String(stats.refused), String(stats.oneTimeNotices),
                stats.followUps == 0 ? "—" : "\(stats.followUpsClosedOnTime)/\(stats.followUps)"].map { Console.pad($0, 12) }.joined()
    }
}
