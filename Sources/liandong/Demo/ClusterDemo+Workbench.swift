import LiandongDomain

extension ClusterDemo {
    /// The demo's workbench login at every node: one staff member holding every case-work role and
    /// the administrator's, so that a person can click through the whole county; and an auditor.
    static let demoLogin = (login: "demo", password: "Liandong-2026", auditor: "shenji")

    /// Adds the demo's staff at every node and returns each node's workbench URL.
    func addWorkbenchStaff() throws -> [JSONValue] {
        var rows: [JSONValue] = []
        for node in cluster.nodes {
            try cluster.run(node, ["staff", "add", "--login", ClusterDemo.demoLogin.login, "--name", "演示员",
                                   "--role", "acceptor,reviewer,approver,admin", "--password", ClusterDemo.demoLogin.password])
            try cluster.run(node, ["staff", "add", "--login", ClusterDemo.demoLogin.auditor, "--name", "审计员",
                                   "--role", "auditor", "--password", ClusterDemo.demoLogin.password])
            rows.append(["node": .string(node.code), "name": .string(node.name), "url": .string(node.url + "/"),
                         "login": .string(ClusterDemo.demoLogin.login), "password": .string(ClusterDemo.demoLogin.password),
                         "auditor": .string(ClusterDemo.demoLogin.auditor)])
        }
        return rows
    }

    /// The lines `make demo` ends with: each node's workbench and a login.
    func printWorkbenches(_ rows: [JSONValue], stay: Bool) {
        guard cluster.printSteps else { return }
        Console.stdout("\n工作台（在本机浏览器中打开；每个节点一个）：\n")
        for node in cluster.nodes {
            Console.stdout("  " + Console.pad(node.label, 36) + node.url + "/\n")
        }
        Console.stdout("登录名 \(ClusterDemo.demoLogin.login)（受理、审查、审批、管理），审计员 \(ClusterDemo.demoLogin.auditor)，密码均为 \(ClusterDemo.demoLogin.password)\n")
        Console.stdout("群众办件查询：任一节点的 /public\n")
        if !stay { Console.stdout("（节点将随演示结束而停止；运行 liandong demo --stay 可保持六个节点运行，在浏览器中操作）\n") }
    }
}
