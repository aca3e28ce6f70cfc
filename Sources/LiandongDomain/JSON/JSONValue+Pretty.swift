/// A readable rendering for people and scripts: two-space indentation, keys sorted as in the
/// canonical encoding. Never hashed or signed.
extension JSONValue {
    public var prettyString: String {
        var out: [UInt8] = []
        appendPretty(to: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private func appendPretty(to out: inout [UInt8], indent: Int) {
        func newline(_ level: Int) {
            out.append(0x0A)
            out.append(contentsOf: [UInt8](repeating: 0x20, count: level * 2))
        }
        switch self {
        case .array(let items) where !items.isEmpty:
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(indent + 1)
                item.appendPretty(to: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(0x5D)
        case .object(let fields) where !fields.isEmpty:
            out.append(0x7B)
            let keys = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(indent + 1)
                JSONValue.appendString(key, to: &out)
                out.append(contentsOf: [0x3A, 0x20])
                fields[key]?.appendPretty(to: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(0x7D)
        default:
            appendCanonical(to: &out)
        }
    }
}
