/// SocialCreditCode is a validated unified social credit code (统一社会信用代码, GB 32100-2015):
/// registration department (1) + organization type (1) + division code (6) + subject identifier (9)
/// + check character, over the 31 characters `0-9 A-H J-N P-R T U W-Y` (no I, O, S, V, Z).
public struct SocialCreditCode: Hashable, Sendable, CustomStringConvertible {
    /// The code in upper case.
    public let value: String

    /// GB 32100-2015 §4.3, table 2: the character set; a character's value is its position here,
    /// not its ASCII code.
    static let charset: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    /// GB 32100-2015 §4.3: weights of the first 17 characters (3^i mod 31).
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Validates `text`; lower-case letters are accepted and normalised to upper case.
    public init(validating text: String) throws(SocialCreditCodeError) {
        let chars = Array(text)
        guard chars.count == 18 else { throw .wrongLength(chars.count) }
        var values: [Int] = []
        var normalised = ""
        for (index, c) in chars.enumerated() {
            let upper = c.asciiUppercased
            guard let v = SocialCreditCode.charset.firstIndex(of: upper) else {
                throw .invalidCharacter(position: index + 1, found: c)
            }
            values.append(v)
            normalised.append(upper)
        }
        let expected = SocialCreditCode.checkCharacter(values.prefix(17))
        guard expected == normalised.last else {
            throw .badCheckCharacter(expected: expected, found: normalised.last ?? " ")
        }
        self.value = normalised
    }

    /// check = (31 − Σ value × weight mod 31) mod 31, mapped back into the character set.
    static func checkCharacter(_ values: ArraySlice<Int>) -> Character {
        var sum = 0
        for (v, w) in zip(values, weights) { sum += v * w }
        return charset[(31 - sum % 31) % 31]
    }

    /// 登记管理部门码, e.g. 9 for 工商 (market regulation).
    public var registrationDepartment: Character { value.first ?? "0" }
    /// 机构类别码, e.g. 1 for 企业, 2 for 个体工商户 under department 9.
    public var organizationType: Character { value.dropFirst().first ?? "0" }
    /// 登记管理机关行政区划码 (GB/T 2260).
    public var divisionCode: String { String(value.dropFirst(2).prefix(6)) }
    /// 主体标识码 (the GB 11714 organization code).
    public var subjectIdentifier: String { String(value.dropFirst(8).prefix(9)) }

    public var description: String { value }
}

/// SocialCreditCodeError says what is wrong with a unified social credit code.
public enum SocialCreditCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongLength(Int)
    /// `position` is 1-based; the character is not in `0-9 A-H J-N P-R T U W-Y`.
    case invalidCharacter(position: Int, found: Character)
    case badCheckCharacter(expected: Character, found: Character)

    public var description: String {
        switch self {
        case .wrongLength(let n): return "统一社会信用代码应为 18 位，实际 \(n) 位"
        case .invalidCharacter(let position, let found):
            return "统一社会信用代码第 \(position) 位“\(found)”不是有效字符（不使用 I、O、S、V、Z）"
        case .badCheckCharacter(let expected, let found):
            return "统一社会信用代码校验码错误：应为 \(expected)，实际为 \(found)"
        }
    }
}

extension Character {
    /// The character with ASCII a–z turned into A–Z; anything else unchanged.
    var asciiUppercased: Character {
        guard let ascii = asciiValue, ascii >= 0x61, ascii <= 0x7A else { return self }
        return Character(Unicode.Scalar(ascii - 0x20))
    }
}
