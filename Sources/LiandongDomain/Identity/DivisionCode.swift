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
        // GB/T 2260: the first two digits are a province-level code; a code ending in 0000 is a province.
        let province = String(chars[0..<2])
        guard DivisionCode.provinces.contains(province) else { throw .unknownProvince(province) }
        guard !chars[2..<6].allSatisfy({ $0 == "0" }) else { throw .provinceNotCounty(String(chars[0..<6])) }
        // The statistical division code (统计用区划代码): township 001–099 街道, 100–199 镇, 200–399 乡,
        // 400–599 similar units; village 001–199 居委会, 200–399 村委会.
        if chars.count >= 9, let township = Int(String(chars[6..<9])), !(1...599).contains(township) {
            throw .partOutOfRange("township", township)
        }
        if chars.count == 12, let village = Int(String(chars[9..<12])), !(1...399).contains(village) {
            throw .partOutOfRange("village", village)
        }
        self.value = text
    }

    /// GB/T 2260 province-level codes (including 71 台湾, 81 香港, 82 澳门).
    public static let provinces: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    ]

    /// What the township or village part says the unit is (统计用区划代码), for staff.
    public var unitKind: String? {
        let chars = Array(value)
        if chars.count == 12, let village = Int(String(chars[9..<12])) { return village <= 199 ? "居民委员会" : "村民委员会" }
        if chars.count == 9, let township = Int(String(chars[6..<9])) {
            switch township {
            case 1...99: return "街道"
            case 100...199: return "镇"
            case 200...399: return "乡"
            default: return "类似乡级单位"
            }
        }
        return nil
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
    /// The first two digits are not a GB/T 2260 province-level code.
    case unknownProvince(String)
    /// A 6-digit code ending in 0000 names a province, not a county.
    case provinceNotCounty(String)
    /// The township part is not 001–599, or the village part not 001–399.
    case partOutOfRange(String, Int)

    public var description: String {
        switch self {
        case .wrongLength(let n): return "区划代码应为 6 位（县）、9 位（乡镇）或 12 位（村），实际 \(n) 位"
        case .nonDigit(let position, let found): return "区划代码第 \(position) 位应为数字，实际为“\(found)”"
        case .zeroPart(let part):
            let name = ["county": "县级", "township": "乡镇级", "village": "村级"][part] ?? part
            return "区划代码的\(name)部分不能全为 0"
        case .unknownProvince(let code): return "区划代码前两位 \(code) 不是省级行政区划代码（GB/T 2260）"
        case .provinceNotCounty(let code): return "\(code) 是省级行政区划代码，不是县级"
        case .partOutOfRange(let part, let value):
            let digits = String(value)
            let padded = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
            return part == "township"
                ? "乡镇级代码 \(padded) 超出范围：001–099 街道、100–199 镇、200–399 乡、400–599 类似乡级单位"
                : "村级代码 \(padded) 超出范围：001–199 居委会、200–399 村委会"
        }
    }
}
