import LiandongDomain

/// DemoNode is one tier of the demo county: its identity, its data directory and, once started,
/// its `liandong serve` process listening on a loopback port.
final class DemoNode {
    let code: String
    let role: Role
    let name: String
    let directory: String
    let logPath: String
    let parent: DemoNode?
    var port = 0
    var server: ChildProcess?

    init(code: String, role: Role, name: String, root: String, parent: DemoNode?) {
        self.code = code
        self.role = role
        self.name = name
        self.directory = root + "/" + code
        self.logPath = root + "/logs/" + code + ".log"
        self.parent = parent
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var listen: String { "127.0.0.1:\(port)" }

    /// How the story names the node: 「三墩镇便民服务中心（330106109）」.
    var label: String { "\(name)（\(code)）" }

    /// The nodes that must hold a case accepted at `self`: itself and every ancestor.
    var pathToRoot: [DemoNode] {
        var path: [DemoNode] = [self]
        while let up = path.last?.parent { path.append(up) }
        return path
    }

    var json: JSONValue {
        ["code": .string(code), "role": .string(role.rawValue), "name": .string(name), "url": .string(url),
         "parent": .optional(parent?.code)]
    }
}

/// The demo county: 西湖区 with two of its towns and three villages (GB/T 2260 county and town
/// codes; the village codes follow the statistical 6+3+3 pattern).
enum DemoTopology {
    static func nodes(root: String) -> [DemoNode] {
        let county = DemoNode(code: "330106", role: .county, name: "西湖区政务服务中心", root: root, parent: nil)
        let sandun = DemoNode(code: "330106109", role: .township, name: "三墩镇便民服务中心", root: root, parent: county)
        let shuangpu = DemoNode(code: "330106110", role: .township, name: "双浦镇便民服务中心", root: root, parent: county)
        return [
            county, sandun, shuangpu,
            DemoNode(code: "330106109201", role: .village, name: "三墩镇绕城村代办点", root: root, parent: sandun),
            DemoNode(code: "330106109202", role: .village, name: "三墩镇兰里村代办点", root: root, parent: sandun),
            DemoNode(code: "330106110201", role: .village, name: "双浦镇铜鉴湖村代办点", root: root, parent: shuangpu),
        ]
    }
}
