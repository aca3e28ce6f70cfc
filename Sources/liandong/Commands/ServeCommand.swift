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
        var certFile = try context.args.optional("tls-cert")
        var keyFile = try context.args.optional("tls-key")
        let caFile = try context.args.optional("ca")
        let insecure = context.args.flag("insecure-http")
        try context.args.finish(maxPositionals: 0)

        // Signals first: the setup page below and the server both stop on them.
        let stop = DispatchSemaphore(value: 0)
        let signalled = SignalFlag()
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "liandong.signals")
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                signalled.set()
                stop.signal()
            }
            source.resume()
            return source
        }
        if !FileManager.default.fileExists(atPath: directory + "/" + NodeStore.databaseName) {
            // First run without a terminal: the setup page until the node exists (SetupServer).
            let early: @Sendable (String) -> Void = { Console.stderr(LogLine.format(.info, node: "-", $0) + "\n") }
            try SetupServer.run(directory: directory, listen: listenFlag, caFile: caFile, wake: stop, log: early)
            if signalled.isSet { return }
        }
        // The process's one connection to the node: the server, the workbench and every sync lane write through it.
        let writer = try StoreWriter.open(directory: directory)
        // Held until the process exits: restore refuses while it is held (NodeLock).
        let lock = try NodeLock.acquire(directory: directory, purpose: "再启动一个 serve")
        let identity = writer.with { $0.identity }
        guard let listen = listenFlag ?? identity.listen, !listen.isEmpty else {
            throw CLIError.usage("缺少 --listen HOST:PORT（init 时也未设置监听地址，也可在配置文件中写 listen = HOST:PORT）")
        }
        guard let (host, port) = parseListen(listen) else {
            throw CLIError(code: "invalid_listen", message: "监听地址 \(listen) 应为 HOST:PORT，例如 127.0.0.1:8080 或 [::1]:8080", exitCode: 2)
        }
        if certFile == nil, keyFile == nil, let own = ownCertificate(directory) { (certFile, keyFile) = own }
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
        if let listenFlag { try writer.with { try $0.setEndpoints(parentURL: nil, listen: listenFlag) } }

        let threshold = context.config["log-level"].flatMap(LogLine.Level.init(rawValue:)) ?? .info
        let log: @Sendable (String) -> Void = { line in
            let level = LogLine.level(of: line)
            guard level >= threshold else { return }
            Console.stderr(LogLine.format(level, node: identity.code, line) + "\n")
        }
        // Taken before serving, so that a file swapped at any later moment is noticed.
        let watch = try DataDirectoryWatch(directory: directory)
        var configuration = NodeServer.Configuration(directory: directory, host: host, port: port, tls: tls, caFile: caFile, parentURL: identity.parentURL)
        configuration.log = log
        configuration.blobBandwidth = context.config["blob-bandwidth"].flatMap(BandwidthWindow.parse)
        // The workbench's idle limit is 30 minutes (等保 2.0); a shorter one may be set for a kiosk or a test.
        if let idle = ProcessInfo.processInfo.environment["LIANDONG_SESSION_IDLE_SECONDS"].flatMap(Int64.init), idle > 0 {
            configuration.workbench?.sessionRule = SessionRule(idleMillis: idle * 1000)
        }
        // Each connection is a descriptor: the connection limits need more than the usual 1,024.
        let descriptors = HTTPServer.raiseOpenFileLimit()
        if let perAddress = ProcessInfo.processInfo.environment["LIANDONG_PER_ADDRESS_LIMIT"].flatMap(Int.init), perAddress > 0 {
            configuration.connectionLimits.perAddress = perAddress
        }
        let server: NodeServer
        do { server = try NodeServer(configuration: configuration, writer: writer) } catch let error as HTTPServerError {
            throw CLIError(code: "listen_failed", message: "无法在 \(listen) 上监听：\(error.message)")
        }
        log("serving \(identity.role.rawValue) \(identity.code) on \(server.url)" + (identity.parentURL.map { ", syncing with parent \($0)" } ?? ""))
        let limits = server.http.limits
        if let window = configuration.blobBandwidth {
            log("blob lane capped at \(window.kibPerSecond) KiB/s each way from minute \(window.startMinute) to \(window.endMinute) of the day (UTC+8)")
        }
        log("connection limits: \(limits.perAddress) per address, \(limits.ordinary) in all, \(limits.longPolls) long-polls; headers within \(Int(limits.headerSeconds)) s, bodies within \(Int(limits.bodySeconds)) s; \(descriptors) open files allowed")
        watch.start { problem in
            // No graceful stop: closing SQLite would checkpoint into the old file and delete a
            // `-wal` by name that may now belong to the file put in its place. Exiting at once
            // stops every writer (lanes, server, watcher) before its next transaction.
            log("data directory lost: \(problem); stopping at once without writing anything more")
            Console.stderr("数据目录已失效：\(problem)。本节点已停止写入并退出；请恢复数据目录（liandong restore）后重新启动 serve\n")
            _exit(ServeCommand.dataDirectoryLostStatus)
        }

        stop.wait()
        log("stopping")
        watch.stop()
        server.stop()
        sources.forEach { $0.cancel() }
        log("stopped")
        withExtendedLifetime(lock) {}
    }

    /// The exit status of a `serve` whose database file was deleted or replaced under it.
    static let dataDirectoryLostStatus: Int32 = 4

    /// `HOST:PORT` or `[IPv6]:PORT`.
    static func parseListen(_ text: String) -> (String, Int)? {
        ListenAddress.parse(text).map { ($0.host, $0.port) }
    }

    /// The certificate `init` made (SelfSignedCertificate) when no `tls-cert`/`tls-key` is configured.
    static func ownCertificate(_ directory: String) -> (String, String)? {
        let folder = directory + "/" + SelfSignedCertificate.directoryName
        let files = (folder + "/" + SelfSignedCertificate.certificateName, folder + "/" + SelfSignedCertificate.keyName)
        return FileManager.default.fileExists(atPath: files.0) && FileManager.default.fileExists(atPath: files.1) ? files : nil
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
        let files: BlobPassOutcome
        do {
            let client = try SyncClient(
                store: store, parentURL: parentURL, configuration: HTTPClient.Configuration(caFile: caFile, pinnedPublicKeys: try store.acceptedParentPins()))
            (client.channel as? HTTPParentChannel)?.capBlobs(context.config["blob-bandwidth"].flatMap(BandwidthWindow.parse), now: store.now)
            outcome = try client.syncOnce()
            // Then the files, after the changes that name them (Protocol/blobs.md).
            files = try client.blobPass()
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
        if files.uploadedBytes + files.downloadedBytes > 0 || !files.completed.isEmpty {
            text += "\n附件上送 \(AttachmentLimits.describe(files.uploadedBytes))、接收 \(AttachmentLimits.describe(files.downloadedBytes))，收齐 \(files.completed.count) 个"
        }
        for failure in files.failed { text += "\n  附件 \(failure.sha256.prefix(12))… 未能传输：\(failure.reason)" }
        var json = outcome.json
        if case .object(var fields) = json {
            fields["blobs"] = files.json
            json = .object(fields)
        }
        context.console.emit(json, text: text)
    }
}

/// SignalFlag records that SIGINT or SIGTERM arrived, for code that wakes on the same semaphore.
final class SignalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
