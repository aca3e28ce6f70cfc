/// ResidentID is a validated 18-character resident identity number (公民身份号码, GB 11643-1999):
/// 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male) and a check character.
/// Hong Kong, Macao and Taiwan residence permits use the same format.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    /// The number with its check character normalised to upper-case `X`.
    public let value: String
    /// The birth date coded in digits 7–14.
    public let birthDate: LocalDate

    /// GB 11643-1999 §8.2: weights of the first 17 digits.
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each value of the weighted sum mod 11.
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates `text` (lower-case `x` accepted); when `today` is given, a birth date after it is refused.
    /// Surrounding white space is not trimmed: the caller decides what was typed.
    public init(validating text: String, today: LocalDate? = nil) throws(ResidentIDError) {
        let chars = Array(text)
        guard chars.count == 18 else { throw .wrongLength(chars.count) }
        var digits: [Int] = []
        for (index, c) in chars.prefix(17).enumerated() {
            guard let d = c.asciiDigit else { throw .nonDigit(position: index + 1, found: c) }
            digits.append(d)
        }
        let last: Character = chars[17] == "x" ? "X" : chars[17]
        guard last == "X" || last.asciiDigit != nil else { throw .nonDigit(position: 18, found: chars[17]) }
        guard digits[0] != 0 else { throw .badAddressCode(String(chars[0..<6])) }
        let birthText = String(chars[6..<14])
        guard
            let birth = LocalDate(
                year: digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9],
                month: digits[10] * 10 + digits[11], day: digits[12] * 10 + digits[13]),
            birth.year >= 1800
        else { throw .badBirthDate(birthText) }
        if let today, birth > today { throw .birthDateInFuture(birth) }
        let expected = ResidentID.checkCharacter(digits)
        guard expected == last else { throw .badCheckCharacter(expected: expected, found: last) }
        self.value = String(chars[0..<17]) + String(last)
        self.birthDate = birth
    }

    /// The check character for 17 digits (GB 11643-1999 §8.2, ISO 7064 MOD 11-2).
    static func checkCharacter(_ digits: [Int]) -> Character {
        var sum = 0
        for (d, w) in zip(digits, weights) { sum += d * w }
        return checkCharacters[sum % 11]
    }

    /// The 6-digit address code (行政区划代码 of the place of first registration).
    public var addressCode: String { String(value.prefix(6)) }

    /// Odd sequence (the 17th digit) is male (GB 11643-1999 §7.3).
    public var isMale: Bool {
        (value.dropFirst(16).first?.asciiDigit ?? 0) % 2 == 1
    }

    /// The number as shown in lists, logs and the public query: 110105********002X.
    public var masked: String { Masking.idNumber(value) }

    public var description: String { masked }
}

/// ResidentIDError says what is wrong with a resident ID number, in terms staff can act on.
public enum ResidentIDError: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongLength(Int)
    /// `position` is 1-based; position 18 may also be X.
    case nonDigit(position: Int, found: Character)
    /// The address code starts with 0.
    case badAddressCode(String)
    /// The 8 birth-date digits are not a real date (or are before 1800).
    case badBirthDate(String)
    case birthDateInFuture(LocalDate)
    case badCheckCharacter(expected: Character, found: Character)

    public var description: String {
        switch self {
        case .wrongLength(let n): return "身份证号码应为 18 位，实际 \(n) 位"
        case .nonDigit(let position, let found):
            return position == 18
                ? "身份证号码第 18 位应为数字或 X，实际为“\(found)”" : "身份证号码第 \(position) 位应为数字，实际为“\(found)”"
        case .badAddressCode(let code): return "身份证号码地址码无效：\(code)"
        case .badBirthDate(let text): return "身份证号码出生日期无效：\(text)"
        case .birthDateInFuture(let date): return "身份证号码出生日期晚于今天：\(date.iso)"
        case .badCheckCharacter(let expected, let found):
            return "身份证号码校验码错误：应为 \(expected)，实际为 \(found)"
        }
    }
}

extension Character {
    /// 0–9 for an ASCII digit, nil otherwise (full-width digits are not accepted).
    var asciiDigit: Int? {
        guard let ascii = asciiValue, ascii >= 0x30, ascii <= 0x39 else { return nil }
        return Int(ascii - 0x30)
    }
}
