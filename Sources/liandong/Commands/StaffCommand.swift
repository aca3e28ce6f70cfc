import Foundation
import LiandongDomain
import LiandongStore

/// `liandong staff add|list|disable|enable|passwd|totp`: the node's workbench accounts (local to
/// this node, never replicated). Every change is written to the audit trail as `cli:$USER`.
enum StaffCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { [
        "add": add, "list": list, "disable": { try setDisabled(&$0, true) }, "enable": { try setDisabled(&$0, false) },
        "passwd": passwd, "totp": totp, "require-totp": requireTOTP, "roles": roles,
    ] }

    static func cliActor() -> String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "root") }

    static func add(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let login = try context.args.required("login", "登录名")
        let name = try context.args.required("name", "姓名")
        let rolesText = try context.args.required("role", "岗位：acceptor,reviewer,approver,admin,auditor（可用逗号分隔多个）")
        let given = try context.args.optional("password")
        try context.args.finish(maxPositionals: 0)
        let roles: Set<StaffRole>
        switch StaffRole.parseList(rolesText) {
        case .success(let parsed): roles = parsed
        case .failure(let error): throw CLIError(code: "invalid_role", message: error.message, exitCode: 2)
        }
        let password = try given ?? oneTimePassword(login: login)
        try store.addStaff(login: login, name: name, roles: roles, password: password, mustChange: given == nil)
        try store.audit(staff: cliActor(), action: "staff.add", target: login, outcome: "ok", detail: StaffRole.storageText(roles))
        var document: [String: JSONValue] = ["login": .string(login), "name": .string(name), "roles": .strings(roles.sorted().map(\.rawValue))]
        var text = "已添加工作人员 \(name)（\(login)），岗位：\(roles.sorted().map(\.chineseName).joined(separator: "、"))"
        if given == nil {
            document["oneTimePassword"] = .string(password)
            text += "\n一次性密码：\(password)（首次登录后必须修改）"
        }
        context.console.emit(.object(document), text: text)
    }

    /// `staff roles LOGIN --role a,b`: replaces the roles of an account (its sessions keep going; every
    /// action is checked against the roles at the time it is made).
    static func roles(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let login = try context.args.positional(0, "登录名")
        let rolesText = try context.args.required("role", "岗位：acceptor,reviewer,approver,admin,auditor（可用逗号分隔多个）")
        try context.args.finish(maxPositionals: 1)
        let roles: Set<StaffRole>
        switch StaffRole.parseList(rolesText) {
        case .success(let parsed): roles = parsed
        case .failure(let error): throw CLIError(code: "invalid_role", message: error.message, exitCode: 2)
        }
        try store.setStaffRoles(login, roles)
        try store.audit(staff: cliActor(), action: "staff.roles", target: login, outcome: "ok", detail: StaffRole.storageText(roles))
        context.console.emit(["login": .string(login), "roles": .strings(roles.sorted().map(\.rawValue))],
                             text: "已将 \(login) 的岗位改为：\(roles.sorted().map(\.chineseName).joined(separator: "、"))")
    }

    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let members = try store.staffMembers()
        let lines = members.map { member in
            Console.pad(member.login, 16) + Console.pad(member.name, 12) + Console.pad(member.rolesText, 30)
                + (member.disabled ? "已停用" : member.mustChangePassword ? "待改密码" : "正常")
        }
        context.console.emit(.array(members.map(\.json)), text: members.isEmpty ? "还没有工作人员" : lines.joined(separator: "\n"))
    }

    static func setDisabled(_ context: inout CommandContext, _ disabled: Bool) throws {
        let store = try context.openStore()
        let login = try context.args.positional(0, "登录名")
        try context.args.finish(maxPositionals: 1)
        try store.setStaffDisabled(login, disabled)
        try store.audit(staff: cliActor(), action: disabled ? "staff.disable" : "staff.enable", target: login, outcome: "ok")
        context.console.emit(["login": .string(login), "disabled": .bool(disabled)], text: disabled ? "已停用 \(login)，其会话均已结束" : "已启用 \(login)")
    }

    static func passwd(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let login = try context.args.positional(0, "登录名")
        let given = try context.args.optional("password")
        try context.args.finish(maxPositionals: 1)
        let password = try given ?? oneTimePassword(login: login)
        try store.setStaffPassword(login, password, mustChange: given == nil)
        try store.audit(staff: cliActor(), action: "staff.passwd", target: login, outcome: "ok")
        var document: [String: JSONValue] = ["login": .string(login)]
        var text = "已为 \(login) 设置新密码"
        if given == nil {
            document["oneTimePassword"] = .string(password)
            text = "\(login) 的一次性密码：\(password)（首次登录后必须修改）"
        }
        context.console.emit(.object(document), text: text)
    }

    static func totp(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let login = try context.args.positional(0, "登录名")
        try context.args.finish(maxPositionals: 1)
        let secret = try store.enableStaffTOTP(login)
        try store.audit(staff: cliActor(), action: "staff.totp", target: login, outcome: "ok")
        let uri = "otpauth://totp/liandong:\(login)?secret=\(secret)&issuer=liandong"
        context.console.emit(["login": .string(login), "secret": .string(secret), "uri": .string(uri)],
                             text: "已为 \(login) 启用动态口令（TOTP）。请在身份验证器中添加密钥：\(secret)\n\(uri)")
    }

    /// `staff require-totp on|off`: whether 管理员 and 审批员 must log in with a TOTP code.
    static func requireTOTP(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let value = try context.args.positional(0, "on 或 off")
        try context.args.finish(maxPositionals: 1)
        guard value == "on" || value == "off" else { throw CLIError.usage("staff require-totp 只接受 on 或 off") }
        try store.setSecondFactorRequired(value == "on")
        try store.audit(staff: cliActor(), action: "staff.require_totp", target: value, outcome: "ok")
        context.console.emit(["requireTOTP": .bool(value == "on")],
                             text: value == "on" ? "已要求管理员、审批员使用动态口令登录（未启用的账号须先运行 staff totp）" : "已取消动态口令要求")
    }

    /// A random password that meets the policy: "Ld-" and 13 Base32 characters (about 64 bits).
    static func oneTimePassword(login: String) throws -> String {
        while true {
            let candidate = "Ld-" + Base32.encode(try secureRandomBytes(8))
            if PasswordPolicy().check(candidate, login: login) == nil { return candidate }
        }
    }
}
