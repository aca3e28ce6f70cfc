/// CaseError is why a case action cannot be taken: a machine-readable `code` and a Chinese
/// `message` for staff. In replay the same errors become conflict records.
public enum CaseError: Error, Hashable, Sendable {
    case transitionNotAllowed(action: CaseAction, status: CaseStatus, allowed: [CaseAction])
    case notAuthorized(action: CaseAction, origin: String, reason: String)
    case invalidPayload(field: String, reason: String)
    case materialsMissing([MissingMaterial])
    case alreadyExtended
    case noSpecialProcedure
    case specialProcedureOpen
    case noFollowUp
    case caseNotFound(String)
    case caseExists(String)
    case unknownKind(String)

    /// A required material the applicant did not bring, as listed in the one-time notice (一次性告知书).
    public struct MissingMaterial: Hashable, Sendable {
        public let id: String
        public let name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public var code: String {
        switch self {
        case .transitionNotAllowed: return "transition_not_allowed"
        case .notAuthorized: return "not_authorized"
        case .invalidPayload: return "invalid_payload"
        case .materialsMissing: return "materials_missing"
        case .alreadyExtended: return "already_extended"
        case .noSpecialProcedure: return "no_special_procedure"
        case .specialProcedureOpen: return "special_procedure_open"
        case .noFollowUp: return "no_follow_up"
        case .caseNotFound: return "case_not_found"
        case .caseExists: return "case_exists"
        case .unknownKind: return "unknown_kind"
        }
    }

    public var message: String {
        switch self {
        case .transitionNotAllowed(let action, let status, let allowed):
            let list = allowed.map { "\($0.chineseName)(\($0.verb))" }.joined(separator: "、")
            return "办件当前状态为「\(status.chineseName)」(\(status.rawValue))，不能\(action.chineseName)；此状态下允许：\(list.isEmpty ? "无" : list)"
        case .notAuthorized(let action, let origin, let reason):
            return "节点 \(origin) 无权\(action.chineseName)：\(reason)"
        case .invalidPayload(let field, let reason):
            return "字段 \(field) 无效：\(reason)"
        case .materialsMissing(let missing):
            return "缺少必要材料：" + missing.map { $0.name }.joined(separator: "、")
        case .alreadyExtended:
            return "该办件已延期一次，不能再次延期（行政许可法第四十二条）"
        case .noSpecialProcedure:
            return "该办件没有进行中的特别程序"
        case .specialProcedureOpen:
            return "该办件已有进行中的特别程序"
        case .noFollowUp:
            return "该办件没有待处理的回访整改"
        case .caseNotFound(let number):
            return "找不到办件 \(number)"
        case .caseExists(let number):
            return "办件 \(number) 已存在"
        case .unknownKind(let kind):
            return "未知的变更类型 \(kind)"
        }
    }
}

extension CaseError: CustomStringConvertible {
    public var description: String { "\(code): \(message)" }
}
