/// LogLine is one line of the service log: a level, the node, and the event, with any resident ID
/// number or mobile phone inside the text masked (个人信息保护法 art. 6: the journal is read by
/// administrators, not case staff, and is kept and copied without the care the database gets).
public enum LogLine {
    public enum Level: String, Sendable, Comparable, CaseIterable {
        case debug, info, warn, error

        public static func < (a: Level, b: Level) -> Bool {
            allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
        }
    }

    /// The level an event line from the server or the sync loop is logged at: failures are errors.
    public static func level(of event: String) -> Level {
        let lowered = event.lowercased()
        if lowered.contains("internal error") || lowered.contains("cannot") { return .error }
        if lowered.contains("failed") || lowered.contains("refused") || lowered.contains("error") { return .warn }
        return .info
    }

    /// `LEVEL [liandong CODE] event`, on one line, personal numbers masked.
    public static func format(_ level: Level, node: String, _ event: String) -> String {
        let oneLine = event.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\(level.rawValue.uppercased()) [liandong \(node)] \(maskPersonalNumbers(oneLine))"
    }

    /// Masks runs that look like an 18-character resident ID (GB 11643: 17 digits and a digit or X)
    /// or an 11-digit mobile number starting with 1. Division codes (6, 9, 12 digits), sequence
    /// numbers and ports are other lengths and stay readable.
    public static func maskPersonalNumbers(_ text: String) -> String {
        var out = ""
        var run: [Character] = []
        func flush() {
            let digits = String(run)
            if run.count == 18, run.prefix(17).allSatisfy(\.isASCIIDigit) {
                out += Masking.idNumber(digits)
            } else if run.count == 11, run.first == "1", run.allSatisfy(\.isASCIIDigit) {
                out += Masking.phone(digits)
            } else {
                out += digits
            }
            run.removeAll()
        }
        for character in text {
            if character.isASCIIDigit || ((character == "X" || character == "x") && run.count == 17) {
                run.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
