import LiandongDomain
import LiandongStore

/// `liandong notice list`: the one-time notices (一次性告知书) held here, the node's own and its
/// subtree's, filterable by node, item and period.
enum NoticeCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["list": list] }

    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let filter = try PeriodArguments.filter(&context)
        try context.args.finish(maxPositionals: 0)
        let notices = try store.oneTimeNotices(filter)
        let lines = notices.map { notice -> String in
            let owed = (notice["owed"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.joined(separator: "、")
            return Console.pad(notice["number"]?.stringValue ?? "", 30) + Console.pad(notice["issuedOn"]?.stringValue ?? "", 12)
                + Console.pad(notice["item"]?["name"]?.stringValue ?? "", 24) + Console.pad(notice["applicant"]?["name"]?.stringValue ?? "", 8)
                + "缺：" + owed
        }
        context.console.emit(["notices": .array(notices)], text: notices.isEmpty ? "没有一次性告知记录" : lines.joined(separator: "\n"))
    }
}

/// PeriodArguments reads `--from`/`--to` dates and refuses a period that ends before it starts.
enum PeriodArguments {
    /// `--node`, `--item`, `--from` and `--to` of the notice and filing lists.
    static func filter(_ context: inout CommandContext) throws -> NoticeFilter {
        var filter = NoticeFilter(node: try context.args.optional("node"), itemCode: try context.args.optional("item"))
        filter.from = try date(try context.args.optional("from"), option: "--from")
        filter.to = try date(try context.args.optional("to"), option: "--to")
        try checkOrder(filter.from, filter.to)
        return filter
    }

    static func date(_ text: String?, option: String) throws -> LocalDate? {
        guard let text else { return nil }
        guard let date = LocalDate(iso: text) else { throw CLIError.usage("\(option) 应为 YYYY-MM-DD 格式的日期，收到 \(text)") }
        return date
    }

    static func checkOrder(_ from: LocalDate?, _ to: LocalDate?) throws {
        if let from, let to, from > to {
            throw CLIError(code: "invalid_period", message: "统计期间的开始日期 \(from.iso) 晚于结束日期 \(to.iso)", exitCode: 2)
        }
    }
}
