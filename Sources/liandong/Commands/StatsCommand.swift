import LiandongDomain
import LiandongStore

/// `liandong stats`: on-time rate, early rate, immediate-case rate, average working days,
/// supplement rate and satisfaction, overall and per item (DESIGN §8).
enum StatsCommand {
    static func run(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let from = try date(&context, "from")
        let to = try date(&context, "to")
        try context.args.finish(maxPositionals: 0)
        let result = try store.statistics(from: from, to: to)
        let document: JSONValue = [
            "overall": result.overall.json,
            "items": .array(result.perItem.map { entry in
                guard case .object(var fields) = entry.stats.json else { return .null }
                fields["item"] = .string(entry.code)
                fields["name"] = .string(entry.name)
                return .object(fields)
            }),
        ]
        var text = "统计（\(from?.iso ?? "全部")—\(to?.iso ?? "至今")）\n" + Console.pad("事项", 32) + line(header: true, CaseStatistics())
        text += "\n" + Console.pad("合计", 32) + line(header: false, result.overall)
        for entry in result.perItem { text += "\n" + Console.pad(entry.name, 32) + line(header: false, entry.stats) }
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
            return ["办件", "办结", "按时办结率", "提前办结率", "即办件率", "平均工作日", "补正率", "满意率"].map { Console.pad($0, 12) }.joined()
        }
        let json = stats.json
        let average = json["averageWorkingDaysTenths"]?.intValue.map { "\($0 / 10).\($0 % 10)" } ?? "—"
        return [String(stats.cases), String(stats.completed), percent(json["onTimeRatePermille"]), percent(json["earlyRatePermille"]),
                percent(json["immediateRatePermille"]), average, percent(json["supplementRatePermille"]),
                percent(json["satisfactionRatePermille"])].map { Console.pad($0, 12) }.joined()
    }
}
