import Foundation

/// Phase is one measured write path: how many rows it wrote and the seconds spent writing them.
struct Phase {
    var name: String
    var rows: Int
    var seconds: Double
    var perSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    var microsPerRow: Double { rows > 0 ? seconds * 1e6 / Double(rows) : 0 }
}

/// Report formats the figures as plain aligned text.
enum Report {
    static func table(_ pairs: [(real: Phase, raw: Phase)]) -> String {
        var lines = [row("write path", "rows", "seconds", "changes/s", "µs/change", "real/raw")]
        for (real, raw) in pairs {
            let ratio = raw.perSecond > 0 ? real.perSecond / raw.perSecond : 0
            lines.append(row(real.name, "\(real.rows)", fixed(real.seconds, 2), grouped(real.perSecond), fixed(real.microsPerRow, 1), fixed(ratio, 3)))
            lines.append(row(raw.name, "\(raw.rows)", fixed(raw.seconds, 2), grouped(raw.perSecond), fixed(raw.microsPerRow, 1), ""))
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ cells: String...) -> String {
        let widths = [42, 8, 9, 11, 11, 10]
        return zip(cells, widths).enumerated().map { index, pair in
            let padding = String(repeating: " ", count: max(0, pair.1 - pair.0.count))
            return index == 0 ? pair.0 + padding : padding + pair.0
        }.joined()
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, char) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(char)
        }
        return String(out.reversed())
    }
}
