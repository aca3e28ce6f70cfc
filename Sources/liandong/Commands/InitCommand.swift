import LiandongDomain
import LiandongStore
import LiandongSync

/// `liandong init`: creates a node's database and key pair. A county registers itself; a child
/// given `--parent URL --enroll TOKEN` enrolls with its parent and trusts the registry it answers.
/// Any failure removes everything init made, so that the next attempt starts clean.
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
        let token = try context.args.optional("enroll")
        let caFile = try context.args.optional("ca")
        try context.args.finish(maxPositionals: 0)
        if token != nil, parent == nil { throw CLIError.usage("--enroll 需要同时给出 --parent（上级地址）") }
        if caFile != nil, token == nil, context.args.isExplicit("ca") {
            throw CLIError.usage("--ca 只用于加入上级（与 --parent、--enroll 一起使用）")
        }
        if token != nil, role == .county {
            throw CLIError(code: "invalid_role", message: "县政务服务中心是根节点，没有上级可加入", exitCode: 2)
        }

        let made = try initialize(
            directory: directory, role: role, code: code, name: name, listen: listen, parent: parent, token: token, caFile: caFile)
        let identity = made.identity
        var document: [String: JSONValue] = [
            "code": .string(identity.code), "role": .string(identity.role.rawValue), "name": .string(identity.name),
            "publicKey": .string(Hex.encode(identity.publicKey)), "data": .string(directory),
        ]
        var text = "已初始化\(identity.role.chineseName)「\(identity.name)」（\(identity.code)），数据目录 \(directory)\n节点公钥 \(Hex.encode(identity.publicKey))"
        if let grant = made.grant {
            document["parent"] = ["code": .string(grant.parent.code), "role": .string(grant.parent.role.rawValue),
                                  "name": .string(grant.parent.name), "publicKey": .string(Hex.encode(grant.parent.publicKey)),
                                  "url": .optional(parent)]
            document["registry"] = .int(Int64(grant.registry.count))
            text += "\n已加入上级「\(grant.parent.name)」（\(grant.parent.code)），收到登记表 \(grant.registry.count) 个节点"
            if let own = grant.registry.first(where: { $0.code == identity.code }), let cutOver = own.history.last?.fromSeq, own.history.count > 1 {
                document["reenrolled"] = ["fromSeq": .int(cutOver), "keys": .int(Int64(own.history.count))]
                text += "\n这是重新登记：本节点原有的变更（#1–#\(cutOver - 1)）将在首次同步时从上级取回，新密钥从 #\(cutOver) 起签名；取回之前不能办件"
            }
        }
        document["admin"] = ["login": "admin", "oneTimePassword": .string(made.adminPassword)]
        text += "\n工作台管理员：admin，一次性密码 \(made.adminPassword)（首次登录后必须修改）"
        context.console.emit(.object(document), text: text)
    }

    /// Creates (and, for a child, enrolls) the node; on failure removes everything it made. Used by
    /// the CLI and by the first-run setup page.
    static func initialize(
        directory: String, role: Role, code: String, name: String, listen: String?, parent: String?, token: String?, caFile: String?
    ) throws -> (identity: NodeIdentity, grant: EnrollmentGrant?, adminPassword: String) {
        let created = NodeDirectory(path: directory)
        var initialized = false
        let made: (identity: NodeIdentity, grant: EnrollmentGrant?, adminPassword: String)
        do {
            made = try create(directory: directory, role: role, code: code, name: name, listen: listen, parent: parent, token: token,
                              caFile: caFile, initialized: &initialized)
        } catch {
            // initialize cleans up its own failures and must never touch a node that already exists.
            if initialized { created.remove() }
            if let error = error as? EnrollmentError {
                var fields: [String: JSONValue] = [:]
                if let field = error.field { fields["field"] = .string(field) }
                if error.status > 0 { fields["status"] = .int(Int64(error.status)) }
                throw CLIError(code: error.code, message: "加入上级失败：\(error.message)（未创建任何数据）", fields: fields)
            }
            throw error
        }
        try handOver(directory)
        return made
    }

    /// Makes the node and, for a child, enrolls it; the store is released when this returns or throws.
    private static func create(
        directory: String, role: Role, code: String, name: String, listen: String?, parent: String?, token: String?, caFile: String?,
        initialized: inout Bool
    ) throws -> (identity: NodeIdentity, grant: EnrollmentGrant?, adminPassword: String) {
        let parsedToken = try token.map { text -> EnrollmentToken in
            guard let parsed = EnrollmentToken.parse(text) else {
                throw CLIError(code: "invalid_token", message: "加入口令格式不对：应为上级 node add 打印的整段文字", exitCode: 2)
            }
            return parsed
        }
        let store = try NodeStore.initialize(directory: directory, role: role, code: code, name: name, parentURL: parent, listen: listen)
        initialized = true
        // Listening beyond loopback needs https: the node makes its own certificate (no CA needed),
        // and the tokens it issues carry that certificate's pin (NodeCommand.add).
        if let listen, let address = ListenAddress.parse(listen), !address.isLoopback {
            try SelfSignedCertificate.ensure(in: directory, commonName: "liandong \(code)")
        }
        if role == .county { try store.registerSelf() }
        // The first administrator of the workbench, with a one-time password changed at first login.
        let password = try StaffCommand.oneTimePassword(login: "admin")
        try store.addStaff(login: "admin", name: "管理员", roles: [.admin], password: password, mustChange: true)
        try store.audit(staff: StaffCommand.cliActor(), action: "staff.add", target: "admin", outcome: "ok", detail: "admin")
        guard let parent, let parsedToken else { return (store.identity, nil, password) }
        let grant = try Enrollment.enroll(
            parentURL: parent, token: parsedToken.secret, identity: store.identity, caFile: caFile, pin: parsedToken.pin)
        try store.trustRegistry(grant.registry + [grant.parent])
        try store.setParentPin(parsedToken.pin)
        // A re-enrolment (the parent's node rekey): the old chain comes back from the parent at the
        // first exchange, and nothing is recorded before, so no seq or case number is given twice.
        if try store.isReenrolled() { try store.awaitOwnChainFromParent() }
        return (store.identity, grant, password)
    }
}
