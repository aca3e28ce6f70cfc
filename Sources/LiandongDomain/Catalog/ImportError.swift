/// ImportError is one thing wrong in an imported catalog or calendar, named precisely enough for the
/// county administrator to find and fix it: a machine code, the item (if known), the JSON path and a
/// message in Chinese for staff.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Machine-readable kind of error; one of `ImportError.Code`.
    public var code: String
    /// The item's basic code (基本编码) when the error is inside a known item.
    public var item: String?
    /// JSON path of the offending value, e.g. `items[3].legalLimit.days`; empty for the document itself.
    public var field: String
    /// What is wrong, in Chinese, naming the bad value.
    public var message: String

    public init(code: String, item: String? = nil, field: String, message: String) {
        self.code = code
        self.item = item
        self.field = field
        self.message = message
    }

    /// The machine codes used in `code`.
    public enum Code {
        /// A required key is absent.
        public static let missingField = "missing_field"
        /// A key the format does not define.
        public static let unknownField = "unknown_field"
        /// A value of the wrong JSON type.
        public static let wrongType = "wrong_type"
        /// A string that is not one of an enumeration's values.
        public static let unknownValue = "unknown_value"
        /// A value of the right type that breaks a rule (range, format, consistency).
        public static let invalidField = "invalid_field"
        /// A value that must be unique appears twice.
        public static let duplicate = "duplicate"
        /// The document's format version is not one this build reads.
        public static let unsupportedVersion = "unsupported_version"
    }

    /// Every further error in the same file, so that one import names them all at once (not only the first).
    public var more: [ImportError] = []

    /// This error and every further one, in file order.
    public var all: [ImportError] {
        var first = self
        first.more = []
        return [first] + more
    }

    /// The first of `errors` carrying the rest; nil when there are none.
    public static func combined(_ errors: [ImportError]) -> ImportError? {
        guard var first = errors.first else { return nil }
        first.more = Array(errors.dropFirst())
        return first
    }

    public var description: String {
        let location = field.isEmpty ? "(document)" : field
        let itemPart = item.map { "（事项 \($0)）" } ?? ""
        return "[\(code)] \(location)\(itemPart)：\(message)"
    }
}
