/// Masking hides most of a piece of personal information for lists, logs, printouts and the public
/// query (个人信息保护法 art. 6; GB/T 35273 de-identification on display).
public enum Masking {
    /// An ID number of 15 or more characters: first 6 + 8 stars + last 4 (110105********002X).
    /// Shorter values keep at most a quarter of their characters at each end, so half is always hidden.
    public static func idNumber(_ text: String) -> String {
        let chars = Array(text)
        if chars.count >= 15 { return String(chars.prefix(6)) + "********" + String(chars.suffix(4)) }
        return keepEnds(chars, prefix: chars.count / 4, suffix: chars.count / 4)
    }

    /// A phone: a mobile 13812345678 → 138****5678; a landline keeps its area code and last 4 digits
    /// (0571-88888888 → 0571-****8888); other values keep at most a quarter at each end.
    public static func phone(_ text: String) -> String {
        let chars = Array(text)
        if let dash = chars.firstIndex(of: "-"), dash > 0 {
            let local = Array(chars[(dash + 1)...])
            let masked = local.count >= 7 ? keepEnds(local, prefix: 0, suffix: 4) : idNumber(String(local))
            return String(chars[...dash]) + masked
        }
        if chars.count >= 11 { return keepEnds(chars, prefix: 3, suffix: 4) }
        return keepEnds(chars, prefix: chars.count / 4, suffix: chars.count / 4)
    }

    /// A person's name: the first character and a star for each other one (张三 → 张*);
    /// a one-character name is fully hidden.
    public static func name(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count > 1 else { return String(repeating: "*", count: chars.count) }
        return keepEnds(chars, prefix: 1, suffix: 0)
    }

    private static func keepEnds(_ chars: [Character], prefix: Int, suffix: Int) -> String {
        let hidden = chars.count - prefix - suffix
        guard hidden > 0 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(prefix)) + String(repeating: "*", count: hidden) + String(chars.suffix(suffix))
    }
}
