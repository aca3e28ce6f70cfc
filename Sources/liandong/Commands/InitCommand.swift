import LiandongDomain
import LiandongStore

/// `liandong init`: creates a node's database and key pair.
enum InitCommand {
    static func run(_ context: inout CommandContext) throws {
        let directory = try context.dataDirectory()
        let roleName = try context.args.required("role", "角色 county|township|village")
        guard let role = Role(rawValue: roleName) else {
            throw CLIError(code: "invalid_role", message: "未知角色 \(roleName)，应为 county、township 或 village", exitCode: 2)
        }
        let code = try context.args.required("code", "区划代码")
        let name = try context.args.required("name", "节点名称")
        let listen = try context.args.optional("listen")
        let parent = try context.args.optional("parent")
        try context.args.finish(maxPositionals: 0)
        let store = try NodeStore.initialize(directory: directory, role: role, code: code, name: name, parentURL: parent, listen: listen)
        let identity = store.identity
        context.console.emit(
            ["code": .string(identity.code), "role": .string(identity.role.rawValue), "name": .string(identity.name),
             "publicKey": .string(Hex.encode(identity.publicKey)), "data": .string(directory)],
            text: "已初始化\(identity.role.chineseName)「\(identity.name)」（\(identity.code)），数据目录 \(directory)\n节点公钥 \(Hex.encode(identity.publicKey))")
    }
}
