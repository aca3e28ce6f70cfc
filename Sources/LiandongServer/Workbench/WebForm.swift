import Foundation

/// WebForm is an `application/x-www-form-urlencoded` body (or a query string): every value of
/// every name, in order, so that a checklist's repeated `material` fields all arrive.
struct WebForm: Sendable {
    var values: [String: [String]] = [:]

    init(_ values: [String: [String]] = [:]) { self.values = values }

    init(body: [UInt8]) {
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = WebForm.decode(String(parts[0]))
            let value = parts.count > 1 ? WebForm.decode(String(parts[1])) : ""
            values[name, default: []].append(value)
        }
    }

    init(query: [String: String]) {
        for (name, value) in query { values[name] = [value] }
    }

    static func decode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { (values[name] ?? []).filter { !$0.isEmpty } }

    /// A textarea's non-blank lines.
    func lines(_ name: String) -> [String] {
        (self[name] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

enum Cookies {
    static func parse(_ header: String?) -> [String: String] {
        var cookies: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return cookies
    }

    /// A Set-Cookie value: HttpOnly and SameSite=Strict always, Secure over HTTPS (等保 2.0 会话安全).
    static func make(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secure { text += "; Secure" }
        return text
    }
}
