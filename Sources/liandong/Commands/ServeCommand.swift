import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// `liandong serve`: the HTTP server (children, local API, public query, metrics) and, when the
/// node has a parent, the sync loop; SIGINT or SIGTERM stops it gracefully.
enum ServeCommand {
    static func run(_ context: inout CommandContext) throws {
        let directory = try context.dataDirectory()
        let listenFlag = try context.args.optional("listen")
        let certFile = try context.args.optional("tls-cert")
        let keyFile = try context.args.optional("tls-key")
        let caFile = try context.args.optional("ca")
        let insecure = context.args.flag("insecure-http")
        try context.args.finish(maxPositionals: 0)

        let store = try NodeStore.open(directory: directory)
        let identity = store.identity
        guard let listen = listenFlag ?? identity.listen, !listen.isEmpty else {
            throw CLIError.usage("缺少 --listen HOST:PORT（init 时也未设置监听地址）")
        }
        guard let (host, port) = parseListen(listen) else {
            throw CLIError(code: "invalid_listen", message: "监听地址 \(listen) 应为 HOST:PORT，例如 127.0.0.1:8080 或 [::1]:8080", exitCode: 2)
        }
        var tls: HTTPServer.TLSIdentity?
        switch (certFile, keyFile) {
        case (let cert?, let key?):
            guard let certPEM = try? String(contentsOfFile: cert, encoding: .utf8), let keyPEM = try? String(contentsOfFile: key, encoding: .utf8) else {
                throw CLIError(code: "file_not_found", message: "无法读取证书 \(cert) 或私钥 \(key)")
            }
            tls = HTTPServer.TLSIdentity(certificatePEM: certPEM, privateKeyPEM: keyPEM)
        case (nil, nil):
            guard isLoopback(host) || insecure else {
                throw CLIError(code: "insecure_http", message: "在非本机地址 \(host) 上提供明文 HTTP 被拒绝：请给出 --tls-cert 和 --tls-key，或明确加 --insecure-http", exitCode: 2)
            }
        default:
            throw CLIError.usage("--tls-cert 与 --tls-key 须同时给出")
        }
        if let listenFlag { try store.setEndpoints(parentURL: nil, listen: listenFlag) }

        let log: @Sendable (String) -> Void = { line in Console.stderr("[liandong \(identity.code)] \(line)\n") }
        var configuration = NodeServer.Configuration(directory: directory, host: host, port: port, tls: tls, caFile: caFile, parentURL: identity.parentURL)
        configuration.log = log
        let server: NodeServer
        do { server = try NodeServer(configuration: configuration) } catch let error as HTTPServerError {
            throw CLIError(code: "listen_failed", message: "无法在 \(listen) 上监听：\(error.message)")
        }
        log("serving \(identity.role.rawValue) \(identity.code) on \(server.url)" + (identity.parentURL.map { ", syncing with parent \($0)" } ?? ""))

        let stop = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "liandong.signals")
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        log("stopping")
        server.stop()
        sources.forEach { $0.cancel() }
        log("stopped")
    }

    /// `HOST:PORT` or `[IPv6]:PORT`.
    static func parseListen(_ text: String) -> (String, Int)? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (host, port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

/// `liandong sync --once`: one exchange with the parent now (hello, push, pull until done).
enum SyncCommand {
    static func run(_ context: inout CommandContext) throws {
        let directory = try context.dataDirectory()
        _ = context.args.flag("once")
        let caFile = try context.args.optional("ca")
        try context.args.finish(maxPositionals: 0)
        let store = try NodeStore.open(directory: directory)
        guard let parentURL = store.identity.parentURL, !parentURL.isEmpty else {
            throw CLIError(code: "no_parent", message: "本节点没有上级（init 时未给 --parent），无需同步")
        }
        let outcome: SyncOutcome
        do {
            let client = try SyncClient(store: store, parentURL: parentURL, configuration: HTTPClient.Configuration(caFile: caFile))
            outcome = try client.syncOnce()
        } catch let error as SyncError {
            try? store.recordParentError(SyncLoop.staffMessage(error))
            if error.code == "revoked_node" {
                try? store.noteRevokedByParent()
                if let revocation = try? store.ownRevocation() {
                    throw CLIError(code: error.code, message: "同步失败：\(revocation.message)", fields: error.details)
                }
            }
            throw CLIError(code: error.code, message: "同步失败：\(error.message)", fields: error.details)
        } catch let error as HTTPClientError {
            try? store.recordParentError(SyncLoop.staffMessage(error))
            throw CLIError(code: "unreachable", message: "无法连接上级 \(parentURL)：\(error.chineseMessage)",
                           fields: ["transport": .string("\(error.kind)"), "detail": .string(error.message)])
        }
        var text = "已与上级 \(outcome.parent) 同步：上送 \(outcome.pushed) 条，接收 \(outcome.pulled) 条"
        if outcome.fetched > 0 { text += "，取回本节点丢失的变更 \(outcome.fetched) 条" }
        if let rebase = outcome.rebase {
            text += "\n" + rebase.summary
            for renumbering in rebase.renumbered { text += "\n  " + renumbering.message }
        }
        for report in outcome.quarantined {
            text += "\n  被上级隔离：\(report.origin)#\(report.seq)（\(report.reason)）\(report.message)"
        }
        context.console.emit(outcome.json, text: text)
    }
}
