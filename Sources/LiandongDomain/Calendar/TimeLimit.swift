/// TimeLimit is a legal or promised limit (法定时限 / 承诺时限): a number of days and its unit.
/// Not every item counts working days, so the unit always travels with the number.
public struct TimeLimit: Hashable, Sendable {
    public enum Unit: String, Sendable, CaseIterable {
        case working
        case natural
    }

    public var days: Int
    public var unit: Unit

    public init(days: Int, unit: Unit) {
        self.days = days
        self.unit = unit
    }

    public var json: JSONValue { ["days": .int(Int64(days)), "unit": .string(unit.rawValue)] }
}
