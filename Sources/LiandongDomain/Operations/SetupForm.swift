import Foundation

/// SetupForm is what the first-run page (`serve` on an uninitialised data directory) asks the
/// village agent for: the node's role, code and name, and for a township or village the parent's
/// address and the one-time token the parent's administrator gave. Checked here, so the page can
/// answer every mistake at once in Chinese before anything is created.
public struct SetupForm: Equatable, Sendable {
    public var role: Role
    public var code: String
    public var name: String
    public var parentURL: String?
    public var token: String?

    /// Reads and checks the submitted fields; throws every problem found, each in Chinese.
    public static func parse(_ fields: [String: String]) throws(SetupFormError) -> SetupForm {
        var problems: [String] = []
        func field(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let role = Role(rawValue: field("role"))
        if role == nil { problems.append("请选择节点类型（县、乡镇或村）") }
        let code = field("code")
        if code.isEmpty {
            problems.append("请填写区划代码")
        } else if let role, NodeCode.role(of: code) != role {
            problems.append("区划代码 \(code) 与节点类型不符：县 6 位、乡镇 9 位、村 12 位")
        }
        let name = field("name")
        if name.isEmpty { problems.append("请填写节点名称") }
        let parent = field("parent")
        let token = field("token")
        if role != nil, role != .county {
            if !(parent.hasPrefix("http://") || parent.hasPrefix("https://")) {
                problems.append("请填写上级地址，以 https:// 或 http:// 开头")
            }
            if token.isEmpty {
                problems.append("请填写上级给的一次性加入口令")
            } else if EnrollmentToken.parse(token) == nil {
                problems.append("加入口令格式不对：请完整复制上级打印的整段文字")
            }
        }
        guard problems.isEmpty, let role else { throw SetupFormError(problems: problems) }
        let isCounty = role == .county
        return SetupForm(role: role, code: code, name: name, parentURL: isCounty ? nil : parent, token: isCounty ? nil : token)
    }
}

/// SetupFormError lists everything wrong with a submitted setup form.
public struct SetupFormError: Error, Equatable, Sendable {
    public let problems: [String]
}

/// FormBody decodes an `application/x-www-form-urlencoded` body (WHATWG URL §5.1: `+` is a space,
/// `%XX` a byte, UTF-8 throughout); a repeated name keeps its last value.
public enum FormBody {
    public static func parse(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
