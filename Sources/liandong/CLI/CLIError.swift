import LiandongDomain
import LiandongStore

/// CLIError is a failure the command line reports: a machine-readable code, a Chinese message,
/// extra JSON fields for `--json`, and the exit status.
struct CLIError: Error {
    var code: String
    var message: String
    var fields: [String: JSONValue] = [:]
    var exitCode: Int32 = 1
    /// Text for stderr beyond the message (the one-time notice).
    var detail: String?

    static func usage(_ message: String) -> CLIError {
        CLIError(code: "usage", message: message + "（liandong help 查看用法）", exitCode: 2)
    }

    /// Maps any error the layers below throw to what staff and scripts see.
    static func from(_ error: Error) -> CLIError {
        switch error {
        case let error as CLIError:
            return error
        case let error as CaseError:
            var cli = CLIError(code: error.code, message: error.message)
            switch error {
            case .transitionNotAllowed(let action, let status, let allowed):
                cli.fields = ["state": .string(status.rawValue), "action": .string(action.verb), "allowed": .strings(allowed.map(\.verb))]
            case .materialsMissing(let missing):
                cli.fields = ["missing": .array(missing.map { ["id": .string($0.id), "name": .string($0.name)] })]
            case .notAuthorized(let action, let origin, _):
                cli.fields = ["action": .string(action.verb), "node": .string(origin)]
            case .invalidPayload(let field, _):
                cli.fields = ["field": .string(field)]
            default:
                break
            }
            return cli
        case let error as StoreError:
            return CLIError(code: error.code, message: error.message, fields: error.details.mapValues { .string($0) })
        case let error as ImportError:
            // Staff read stderr, not the JSON: the message itself names the field and the item.
            func line(_ error: ImportError) -> String {
                (error.field.isEmpty ? "文件" : "字段 \(error.field)") + (error.item.map { "（事项 \($0)）" } ?? "") + "：\(error.message)"
            }
            let all = error.all
            var cli = CLIError(code: error.code, message: all.count == 1 ? line(error) : "文件中有 \(all.count) 处错误，均未导入",
                               fields: ["field": .string(error.field), "item": .optional(error.item)])
            cli.fields["errors"] = .array(all.map { ["error": .string($0.code), "field": .string($0.field), "item": .optional($0.item), "message": .string($0.message)] })
            if all.count > 1 { cli.detail = all.enumerated().map { "  \($0.offset + 1). \(line($0.element))" }.joined(separator: "\n") }
            return cli
        case let error as JSONParseError:
            return CLIError(code: "malformed_json", message: "JSON 格式错误：第 \(error.offset) 字节，\(error.chineseReason)", fields: ["offset": .int(Int64(error.offset))])
        case let error as SQLiteError:
            return CLIError(code: error.isBusy ? "database_busy" : "database_error", message: "数据库错误：\(error)")
        default:
            return CLIError(code: "internal_error", message: "内部错误：\(error)")
        }
    }
}
