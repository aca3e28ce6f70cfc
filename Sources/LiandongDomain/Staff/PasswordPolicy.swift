/// PasswordPolicy is the rule a new password must meet (GB/T 22239-2019 等保 2.0 三级 8.1.4.1:
/// 口令具有复杂度要求): at least `minimumLength` characters, at least three of the four classes
/// (lower, upper, digit, other), and neither equal to nor containing the login name.
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int

    public init(minimumLength: Int = 10) { self.minimumLength = minimumLength }

    public enum Violation: Error, Equatable, Sendable {
        case tooShort(minimum: Int)
        case tooSimple
        case containsLogin

        public var message: String {
            switch self {
            case .tooShort(let minimum): return "密码至少 \(minimum) 个字符"
            case .tooSimple: return "密码须包含小写字母、大写字母、数字、其他符号中的至少三类"
            case .containsLogin: return "密码不能等于或包含登录名"
            }
        }

        public var code: String {
            switch self {
            case .tooShort: return "password_too_short"
            case .tooSimple: return "password_too_simple"
            case .containsLogin: return "password_contains_login"
            }
        }
    }

    /// The first rule `password` breaks for `login`, or nil when it is acceptable.
    public func check(_ password: String, login: String) -> Violation? {
        if password.count < minimumLength { return .tooShort(minimum: minimumLength) }
        let lowerPassword = password.lowercased()
        let lowerLogin = login.lowercased()
        if !lowerLogin.isEmpty, lowerPassword.contains(lowerLogin) { return .containsLogin }
        var classes = Set<Int>()
        for scalar in password.unicodeScalars {
            switch scalar.value {
            case 0x61...0x7A: classes.insert(0)
            case 0x41...0x5A: classes.insert(1)
            case 0x30...0x39: classes.insert(2)
            default: classes.insert(3)
            }
        }
        return classes.count >= 3 ? nil : .tooSimple
    }
}
