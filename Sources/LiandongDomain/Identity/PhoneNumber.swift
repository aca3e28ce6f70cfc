/// PhoneNumber is a validated contact number: a mainland mobile (1[3-9] and 9 more digits) or a
/// landline written with its area code, `0571-88888888`, optionally with an extension `-123`.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case mobile
        case landline
    }

    public let value: String
    public let kind: Kind

    /// Accepts exactly the two forms above; no spaces, no +86 (the caller strips what it allows).
    public init(validating text: String) throws(PhoneNumberError) {
        let chars = Array(text)
        guard !chars.isEmpty else { throw .empty }
        if chars.first != "0" {
            guard chars.count == 11, chars.allSatisfy({ $0.asciiDigit != nil }), chars[0] == "1",
                let second = chars[1].asciiDigit, second >= 3
            else { throw .notAPhoneNumber(text) }
            self.value = text
            self.kind = .mobile
            return
        }
        let parts = chars.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.asciiDigit != nil } }),
            (3...4).contains(parts[0].count), parts[0].dropFirst().first != "0",
            (7...8).contains(parts[1].count), parts[1].first != "0",
            parts.count == 2 || parts[2].count <= 6
        else { throw .notAPhoneNumber(text) }
        self.value = text
        self.kind = .landline
    }

    /// The number as shown in lists and logs (138****5678).
    public var masked: String { Masking.phone(value) }

    public var description: String { masked }
}

/// PhoneNumberError says why a contact number was refused.
public enum PhoneNumberError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case notAPhoneNumber(String)

    public var description: String {
        switch self {
        case .empty: return "联系电话不能为空"
        case .notAPhoneNumber(let text):
            return "联系电话“\(text)”无效：应为 11 位手机号（如 13812345678）或带区号的固定电话（如 0571-88888888）"
        }
    }
}
