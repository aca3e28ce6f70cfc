/// CaseNumber makes case numbers unique without asking anyone (DESIGN §8):
/// `{nodeCode}-{yyyymmdd}-{seq}` with a per-node, per-day sequence.
public enum CaseNumber {
    public static func make(node: String, day: LocalDate, sequence: Int) -> String {
        let digits = String(sequence)
        return "\(node)-\(day.compact)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// True when `text` has the shape of a case number.
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, NodeCode.role(of: String(parts[0])) != nil, parts[1].count == 8, parts[2].count >= 4 else { return false }
        return parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber) && parts[2].allSatisfy(\.isASCII) && parts[2].allSatisfy(\.isNumber)
    }

    /// Query codes avoid characters that are easy to misread on a receipt (0/O, 1/I/L).
    public static let queryAlphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// An 8-character query code from random bytes (supplied by the caller: the domain does no I/O).
    public static func queryCode(from random: [UInt8]) -> String {
        String(random.prefix(8).map { queryAlphabet[Int($0) % queryAlphabet.count] })
    }
}
