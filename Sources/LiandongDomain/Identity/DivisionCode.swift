/// DivisionCode is a node's place in the county tree: a 6-digit county code (GB/T 2260), a 9-digit
/// township code or a 12-digit village code (the statistical division code: county 6 + township 3 +
/// village 3). The tier follows from the length.
public struct DivisionCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    /// Digits only, 6, 9 or 12 of them; the county part is not 000000, and a township or village
    /// part is not 000 (a 12-digit code ending in 000 is its township's padded form: use the 9 digits).
    public init(validating text: String) throws(DivisionCodeError) {
        let chars = Array(text)
        guard DivisionCode.role(forLength: chars.count) != nil else { throw .wrongLength(chars.count) }
        if let (index, c) = chars.enumerated().first(where: { $0.element.asciiDigit == nil }) {
            throw .nonDigit(position: index + 1, found: c)
        }
        for (range, part) in [(0..<6, "county"), (6..<9, "township"), (9..<12, "village")]
        where range.upperBound <= chars.count && chars[range].allSatisfy({ $0 == "0" }) {
            throw .zeroPart(part)
        }
        self.value = text
    }

    /// The tier a code of this length names: 6 county, 9 township, 12 village; nil for other lengths.
    public static func role(forLength length: Int) -> Role? {
        switch length {
        case 6: return .county
        case 9: return .township
        case 12: return .village
        default: return nil
        }
    }

    public var role: Role { DivisionCode.role(forLength: value.count) ?? .county }

    /// The enclosing division: a village's township (first 9 digits), a township's county (first 6).
    /// A county's parent is its city, the first 4 digits padded with 00 (330102 → 330100); a code that
    /// already ends in 00 has none here: provinces are not part of liandong's tree.
    public var parent: DivisionCode? {
        switch value.count {
        case 12: return DivisionCode(trusted: String(value.prefix(9)))
        case 9: return DivisionCode(trusted: String(value.prefix(6)))
        default:
            guard !value.hasSuffix("00") else { return nil }
            return DivisionCode(trusted: String(value.prefix(4)) + "00")
        }
    }

    /// Whether `ancestor` is a strict ancestor of `code` along the `parent` chain.
    public static func isAncestor(_ ancestor: DivisionCode, of code: DivisionCode) -> Bool {
        var current = code.parent
        while let c = current {
            if c == ancestor { return true }
            current = c.parent
        }
        return false
    }

    public func isAncestor(of code: DivisionCode) -> Bool { DivisionCode.isAncestor(self, of: code) }

    /// For prefixes of a validated code, which are valid by construction.
    private init(trusted value: String) { self.value = value }

    public static func < (a: DivisionCode, b: DivisionCode) -> Bool { a.value < b.value }

    public var description: String { value }
}

/// DivisionCodeError says what is wrong with a division code.
public enum DivisionCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not 6, 9 or 12 characters.
    case wrongLength(Int)
    /// `position` is 1-based.
    case nonDigit(position: Int, found: Character)
    /// The named part ("county", "township", "village") is all zeros.
    case zeroPart(String)

    public var description: String {
        switch self {
        case .wrongLength(let n): return "区划代码应为 6 位（县）、9 位（乡镇）或 12 位（村），实际 \(n) 位"
        case .nonDigit(let position, let found): return "区划代码第 \(position) 位应为数字，实际为“\(found)”"
        case .zeroPart(let part):
            let name = ["county": "县级", "township": "乡镇级", "village": "村级"][part] ?? part
            return "区划代码的\(name)部分不能全为 0"
        }
    }
}
