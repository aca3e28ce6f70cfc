/// TextRules bound what staff type (names, reasons, opinions, addresses) and refuse control
/// characters, so that a pasted binary, an escape sequence or a megabyte of text never reaches a
/// printed document, a log line or every node of the county. Judged by the reducer on every
/// replica, the same way, and at every entry point before anything is recorded.
public enum TextRules {
    /// How a field may be written: one line of bounded length, or paragraphs (line breaks allowed).
    public enum Shape: Sendable {
        case line(max: Int)
        case paragraph(max: Int)

        var max: Int {
            switch self {
            case .line(let max), .paragraph(let max): return max
            }
        }
    }

    /// Names: a person, or an organisation applying with its credit code (full legal names run long).
    public static let personName = Shape.line(max: 100)
    public static let actor = Shape.line(max: 50)
    public static let line = Shape.line(max: 200)
    public static let paragraph = Shape.paragraph(max: 2000)
    /// Payload fields that may hold several lines (reasons, opinions, notes, results).
    public static let paragraphFields: Set<String> = ["opinion", "reason", "reasons", "note", "comment", "result"]

    /// Why `text` may not be stored in a field of this shape, in Chinese; nil when it may.
    public static func problem(_ text: String, _ shape: Shape) -> String? {
        // Characters never outnumber UTF-8 bytes: only a long text is counted by grapheme.
        if text.utf8.count > shape.max {
            let count = text.count
            if count > shape.max { return "长度 \(count) 个字超过上限 \(shape.max) 个字" }
        }
        for scalar in text.unicodeScalars {
            // Printable ASCII and everything from U+2000 on hold no control (Cc) character and no
            // format character this rule refuses by category: only the named ones below are asked.
            if (0x20...0x7E).contains(scalar.value) { continue }
            let isBreak = scalar == "\n" || scalar == "\r" || scalar == "\t"
            if case .paragraph = shape, isBreak { continue }
            if scalar.value < 0x2000, scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return isBreak ? "不能换行" : "含有控制字符 U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)"
            }
            if scalar.value == 0x2028 || scalar.value == 0x2029 || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                return "含有控制字符 U+\(String(scalar.value, radix: 16, uppercase: true))"
            }
        }
        return nil
    }

    /// Checks every string of a case payload: the applicant's name as a person's name, paragraph
    /// fields as paragraphs, anything else as one line. The frozen catalog item is the catalog's
    /// (checked at import) and `seen` holds change ids.
    public static func checkPayload(_ payload: JSONValue, field: String = "payload") throws {
        guard case .object(let fields) = payload else { return }
        for (key, value) in fields where key != "item" && key != "seen" {
            let path = field + "." + key
            let shape: Shape = key == "name" && field.hasSuffix("applicant") ? personName : paragraphFields.contains(key) ? paragraph : line
            try check(value, shape: shape, field: path)
        }
    }

    private static func check(_ value: JSONValue, shape: Shape, field: String) throws {
        switch value {
        case .string(let text):
            if let problem = problem(text, shape) { throw CaseError.invalidPayload(field: field, reason: problem) }
        case .array(let items):
            for (index, item) in items.enumerated() { try check(item, shape: shape, field: "\(field)[\(index)]") }
        case .object:
            try checkPayload(value, field: field)
        case .null, .bool, .int:
            return
        }
    }
}

/// IdentifierText normalises an identifier typed at the window (ID number, credit code) so that
/// duplicate detection and search see one person: ASCII letters upper-cased; full-width digits or
/// letters and any space refused with a message saying which (GB 11643 and GB 32100 use ASCII).
public enum IdentifierText {
    public static func normalize(_ text: String, what: String = "证件号码") throws(IdentifierError) -> String {
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if (0xFF10...0xFF19).contains(scalar.value) || (0xFF21...0xFF3A).contains(scalar.value) || (0xFF41...0xFF5A).contains(scalar.value) {
                throw IdentifierError(message: "\(what)第 \(index + 1) 位「\(Character(scalar))」是全角字符，请切换到半角输入")
            }
            if scalar.properties.isWhitespace {
                throw IdentifierError(message: "\(what)第 \(index + 1) 位是空格，请删除空格后重新输入")
            }
        }
        return String(text.map { $0.isASCII ? Character($0.uppercased()) : $0 })
    }

    /// True when `text` is already in normal form (what the reducer requires of a payload).
    public static func isNormalized(_ text: String) -> Bool {
        (try? normalize(text)) == text
    }
}

public struct IdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
