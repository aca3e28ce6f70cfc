/// Material is one document an item asks for (申请材料, GB/T 39046): what it is, whether it is
/// required, in what form and how many copies. The id is what a case records as received.
public struct Material: Hashable, Sendable {
    /// 材料形式.
    public enum Form: String, Sendable, CaseIterable {
        case original
        case copy
        case electronic

        public var chineseName: String {
            switch self {
            case .original: return "原件"
            case .copy: return "复印件"
            case .electronic: return "电子材料"
            }
        }
    }

    /// An ASCII identifier, unique within the item (`id_card`, `household_register`).
    public var id: String
    public var name: String
    public var required: Bool
    public var form: Form
    /// 份数, at least 1.
    public var copies: Int

    public init(id: String, name: String, required: Bool = true, form: Form = .original, copies: Int = 1) {
        self.id = id
        self.name = name
        self.required = required
        self.form = form
        self.copies = copies
    }

    public var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "required": .bool(required),
            "form": .string(form.rawValue), "copies": .int(Int64(copies)),
        ]
    }

    /// Reads one material; `reader` is positioned at e.g. `items[2].materials[0]`.
    static func parse(_ reader: ImportReader) throws(ImportError) -> Material {
        try reader.rejectUnknownKeys(["id", "name", "required", "form", "copies"])
        let id = try reader.string("id")
        guard Material.isIdentifier(id) else {
            throw reader.error(
                ImportError.Code.invalidField, "id",
                "材料标识“\(id)”无效：应为字母或下划线开头、由字母数字下划线组成、不超过 50 个字符")
        }
        let copies = try reader.optionalInt("copies") ?? 1
        guard copies >= 1 else {
            throw reader.error(ImportError.Code.invalidField, "copies", "份数至少为 1，实际为 \(copies)")
        }
        return Material(
            id: id, name: try reader.text("name"), required: try reader.bool("required"),
            form: try reader.enumValue("form", Form.self), copies: copies)
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, at most 50 characters.
    static func isIdentifier(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, bytes.count <= 50 else { return false }
        func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F }
        return isLetter(first) && bytes.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) }
    }
}
