import Foundation
import LiandongDomain

/// `liandong demo`: a county, two townships and three villages as six `liandong serve`
/// processes on loopback, enrolled and playing the story (ClusterDemo). `--single` keeps the
/// one-node walkthrough with its simulated clock (DemoStory), which shows the deadline rules.
enum DemoCommand {
    static func run(_ context: inout CommandContext) throws {
        let examples = try exampleDirectory(try context.args.optional("examples"))
        let keep = context.args.flag("keep")
        let stay = context.args.flag("stay")
        let single = context.args.flag("single")
        let deadline = try context.args.int("deadline") ?? 30
        guard deadline > 0 else { throw CLIError.usage("--deadline 应为正整数（秒）") }
        try context.args.finish(maxPositionals: 0)
        if single {
            try runSingle(&context, examples: examples, keep: keep)
        } else {
            try runCluster(context, examples: examples, keep: keep, stay: stay, deadline: Double(deadline))
        }
    }

    /// `--examples`, else Deploy/examples under the working directory, else beside the binary's
    /// package (.build/debug/liandong → the checkout), so that `make demo` works from anywhere.
    static func exampleDirectory(_ given: String?) throws -> String {
        if let given { return given }
        var candidates = ["Deploy/examples"]
        let binary = URL(fileURLWithPath: ProcessSupervisor.currentExecutable())
        var directory = binary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("Deploy/examples").path)
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/catalog.json") {
            return candidate
        }
        throw CLIError(code: "examples_not_found", message: "找不到示例目录 Deploy/examples（用 --examples DIR 指定）")
    }

    static func runCluster(_ context: CommandContext, examples: String, keep: Bool, stay: Bool, deadline: Double) throws {
        let temporary = FileManager.default.temporaryDirectory.path
        ProcessSupervisor.removeLeftovers(temporary: temporary, prefix: "liandong-demo-")
        let directory = temporary + "/liandong-demo-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        } catch {
            throw CLIError(code: "demo_failed", message: "无法创建临时目录 \(directory)：\(error)")
        }
        let supervisor = ProcessSupervisor(directory: directory, keepDirectory: keep)
        supervisor.installSignalHandlers()
        let cluster = DemoCluster(supervisor: supervisor, nodes: DemoTopology.nodes(root: directory), deadline: deadline,
                                  printSteps: !context.console.json)
        var demo = ClusterDemo(cluster: cluster, examples: examples)
        do {
            try demo.play()
        } catch {
            if supervisor.interruption != nil {
                // The signal handler is stopping everything; what failed here is only its consequence.
                cluster.shutdown()
                supervisor.exitIfInterrupted()
            }
            let message = (error as? DemoFailure)?.message ?? "\(error)"
            if !context.console.json { cluster.say(nil, "演示失败：\(message)") }
            reportLogs(cluster)
            cluster.say(nil, "正在停止全部节点进程")
            cluster.shutdown()
            supervisor.exitIfInterrupted()
            var summary = demo.summary.objectValue ?? [:]
            summary["ok"] = .bool(false)
            summary["directory"] = .string(directory)
            summary["kept"] = .bool(keep)
            throw CLIError(code: "demo_failed", message: "三级联动演示失败：\(message)", fields: summary,
                           detail: keep ? "数据目录与日志保留在 \(directory)" : nil)
        }
        // Each node's workbench and a login; with --stay the six nodes keep running until Ctrl-C
        // (the signal handler stops them in order and removes the directory unless --keep).
        let workbenches = (try? demo.addWorkbenchStaff()) ?? []
        demo.printWorkbenches(workbenches, stay: stay)
        if stay {
            if context.console.json {
                Console.stdout(JSONValue.object(["ok": .bool(true), "directory": .string(directory), "workbenches": .array(workbenches)]).prettyString + "\n")
            }
            cluster.say(nil, "六个节点保持运行，按 Ctrl-C 停止")
            while true { sleep(3600) }
        }
        cluster.say(nil, "演示完成，正在停止全部节点进程")
        cluster.shutdown()
        supervisor.exitIfInterrupted()
        var summary = demo.summary.objectValue ?? [:]
        summary["ok"] = .bool(true)
        summary["directory"] = .string(directory)
        summary["kept"] = .bool(keep)
        summary["workbenches"] = .array(workbenches)
        context.console.emit(.object(summary), text: keep ? "全部一致。数据目录与日志保留在 \(directory)" : "全部一致，临时目录已删除")
    }

    /// The last lines of every node's server log, so that a failure can be understood without --keep.
    static func reportLogs(_ cluster: DemoCluster) {
        for node in cluster.nodes where node.server != nil {
            let tail = ChildProcess.tail(node.logPath, lines: 8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !tail.isEmpty else { continue }
            Console.stderr("—— \(node.label) 服务日志末尾 ——\n\(tail)\n")
        }
    }

    static func runSingle(_ context: inout CommandContext, examples: String, keep: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("liandong-demo-single-\(getpid())").path
        defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
        var demo = try DemoStory(directory: directory, examples: examples, context: context)
        try demo.play()
        var summary: [String: JSONValue] = ["ok": .bool(true), "mode": .string("single"), "steps": .array(demo.said.lines)]
        if keep { summary["directory"] = .string(directory) }
        context.console.emit(.object(summary), text: keep ? "数据目录保留在 \(directory)" : "单节点演示完成")
    }
}
