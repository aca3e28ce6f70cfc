/// CalendarYear is one year of the county's working-day table: statutory holidays (法定节假日) and the
/// make-up working days on weekends (调休上班) announced each year by the State Council.
/// Days not listed follow the week: Monday to Friday work, Saturday and Sunday rest.
public struct CalendarYear: Hashable, Sendable {
    public var year: Int
    /// Days off; listing a holiday that falls on a weekend is allowed (the notice lists whole breaks).
    public var holidays: Set<LocalDate>
    /// Weekend days that are working days (调休).
    public var workdays: Set<LocalDate>

    public init(year: Int, holidays: Set<LocalDate> = [], workdays: Set<LocalDate> = []) {
        self.year = year
        self.holidays = holidays
        self.workdays = workdays
    }
}

/// WorkingCalendar says whether a day is a working day, from the county's table of years
/// (行政许可法 art. 82: limits count working days, excluding statutory holidays). It is a table,
/// never weekday arithmetic, except for years the table does not hold, which fall back to Monday–Friday.
public struct WorkingCalendar: Sendable {
    public let years: [Int: CalendarYear]

    /// When two entries have the same year, the later one wins (a re-published year replaces the old).
    public init(years: [CalendarYear]) {
        var table: [Int: CalendarYear] = [:]
        for year in years { table[year.year] = year }
        self.years = table
    }

    /// A calendar with no table at all: Monday to Friday.
    public static let weekdaysOnly = WorkingCalendar(years: [])

    public func isWorkingDay(_ d: LocalDate) -> Bool {
        if let table = years[d.year] {
            if table.holidays.contains(d) { return false }
            if table.workdays.contains(d) { return true }
        }
        return !d.isWeekend
    }

    /// Whether the county has published a table for `year` (otherwise deadlines in it are approximate).
    public func covers(year: Int) -> Bool { years[year] != nil }

    /// The first working day strictly after `d`.
    public func nextWorkingDay(after d: LocalDate) -> LocalDate {
        var day = d.adding(days: 1)
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }
}

extension CalendarYear {
    /// The import and change-payload form: `{"year": 2026, "holidays": [...], "workdays": [...]}`,
    /// dates as `YYYY-MM-DD` in ascending order so the encoding is canonical.
    public var json: JSONValue {
        [
            "year": .int(Int64(year)),
            "holidays": .strings(holidays.sorted().map(\.iso)),
            "workdays": .strings(workdays.sorted().map(\.iso)),
        ]
    }

    /// Reads and validates one year of the calendar import format, naming the field and the bad
    /// value in every error.
    public static func parse(_ json: JSONValue) throws(ImportError) -> CalendarYear {
        let reader = try ImportReader(json, path: "")
        try reader.rejectUnknownKeys(["year", "holidays", "workdays"])
        let year = try reader.int("year")
        guard (1900...9999).contains(year) else {
            throw reader.error(ImportError.Code.invalidField, "year", "年份无效：\(year)")
        }
        // Every date is checked: the error thrown carries all the others (`more`), not only the first.
        var errors: [ImportError] = []
        let holidays = dates(reader, "holidays", year: year, errors: &errors)
        let workdays = dates(reader, "workdays", year: year, errors: &errors)
        let holidaySet = Set(holidays.map(\.day))
        for (index, day) in workdays {
            let field = "workdays[\(index)]"
            if holidaySet.contains(day) {
                errors.append(reader.error(
                    ImportError.Code.invalidField, field, "\(day.iso) 同时列为节假日和调休工作日"))
            }
            if !day.isWeekend {
                errors.append(reader.error(
                    ImportError.Code.invalidField, field,
                    "调休工作日 \(day.iso) 是\(day.chineseWeekday)，本来就是工作日；只列周末上班的日子"))
            }
        }
        if let error = ImportError.combined(errors) { throw error }
        return CalendarYear(year: year, holidays: holidaySet, workdays: Set(workdays.map(\.day)))
    }

    private static func dates(_ reader: ImportReader, _ key: String, year: Int, errors: inout [ImportError]) -> [(index: Int, day: LocalDate)] {
        var seen: Set<LocalDate> = []
        var result: [(index: Int, day: LocalDate)] = []
        let values: [JSONValue]
        do {
            values = try reader.array(key)
        } catch {
            errors.append(error)
            return []
        }
        for (index, value) in values.enumerated() {
            let field = "\(key)[\(index)]"
            guard let text = value.stringValue else {
                errors.append(reader.wrongType(field, "日期字符串", value))
                continue
            }
            guard let day = LocalDate(iso: text) else {
                errors.append(reader.error(ImportError.Code.invalidField, field, "日期无效：“\(text)”，应为 YYYY-MM-DD"))
                continue
            }
            guard day.year == year else {
                errors.append(reader.error(ImportError.Code.invalidField, field, "日期 \(text) 不在 \(year) 年内"))
                continue
            }
            guard seen.insert(day).inserted else {
                errors.append(reader.error(ImportError.Code.duplicate, field, "日期 \(text) 重复"))
                continue
            }
            result.append((index, day))
        }
        return result
    }
}

extension LocalDate {
    /// 星期一 … 星期日, for staff-facing messages.
    var chineseWeekday: String {
        ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][weekday - 1]
    }
}
