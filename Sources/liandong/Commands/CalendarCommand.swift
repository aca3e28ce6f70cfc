import LiandongDomain
import LiandongStore

/// `liandong calendar set|show`: the county's working-day calendar (节假日与调休).
enum CalendarCommand {
    static func set(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let actor = try context.actor()
        let path = try context.args.positional(0, "日历文件路径")
        try context.args.finish(maxPositionals: 1)
        let year = try store.setCalendarYear(try context.readJSONFile(path), actor: actor)
        context.console.emit(year.json, text: "已设置 \(year.year) 年工作日历：\(year.holidays.count) 个节假日，\(year.workdays.count) 个调休上班日")
    }

    static func show(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let wanted = try context.args.int("year")
        try context.args.finish(maxPositionals: 0)
        let years = try store.calendarYears().filter { wanted == nil || $0.year == wanted }
        if let wanted, years.isEmpty {
            throw CLIError(code: "calendar_year_not_set", message: "尚未设置 \(wanted) 年的工作日历")
        }
        let text = years.map { year in
            "\(year.year) 年\n  节假日：\(year.holidays.sorted().map(\.iso).joined(separator: " "))\n  调休上班：\(year.workdays.sorted().map(\.iso).joined(separator: " "))"
        }.joined(separator: "\n")
        context.console.emit(.array(years.map(\.json)), text: years.isEmpty ? "尚未设置工作日历" : text)
    }
}
