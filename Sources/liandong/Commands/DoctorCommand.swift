import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// `liandong doctor`: measures the node (database, disk, permissions, certificate, backups, the
/// parent link and its clock) and prints HealthCheck's findings, one Chinese line each with what
/// to do; exits 1 when anything needs action, so a timer or a monitoring script can alert on it.
enum DoctorCommand {
    static func run(_ context: inout CommandContext) throws {
        let directory = try context.dataDirectory()
        let certificate = try context.args.optional("tls-cert") ?? ServeCommand.ownCertificate(try context.dataDirectory())?.0
        let backupDirectory = try context.args.optional("backup-dir")
        let caFile = try context.args.optional("ca")
        _ = try context.args.optional("listen")
        _ = try context.args.optional("tls-key")
        _ = context.args.flag("insecure-http")
        try context.args.finish(maxPositionals: 0)

        let store = try NodeStore.open(directory: directory)
        let now = store.now()
        var facts = HealthCheck.Facts(now: now, hasParent: store.identity.parentURL != nil)
        facts.integrityProblems = try? store.db.integrityCheck()
        var disk = statvfs()
        if statvfs(directory, &disk) == 0 {
            facts.freeBytes = Int64(disk.f_bavail) * Int64(disk.f_frsize)
            facts.totalBytes = Int64(disk.f_blocks) * Int64(disk.f_frsize)
        }
        facts.dataDirectoryMode = mode(of: directory)
        facts.keyFileMode = mode(of: directory + "/node.key")
        if let certificate { facts.certificateNotAfter = try? CertificateFile.notAfter(file: certificate) }
        if let backupDirectory {
            facts.backupDirectory = backupDirectory
            facts.newestBackupAt = BackupFiles.list(directory: backupDirectory, code: store.identity.code).first
                .map { Int64($0.modified.timeIntervalSince1970 * 1000) }
        }
        facts.serveRunning = NodeLock.isHeld(directory: directory)
        if let parent = store.identity.parentURL {
            facts.lastExchangeAt = try? store.parentLink().lastContact
            let probe = probeParent(parent, caFile: caFile, pins: (try? store.acceptedParentPins()) ?? [])
            facts.parentError = probe.error
            facts.parentClockOffset = probe.offset
        }
        let findings = HealthCheck.assess(facts)
        let needsAction = findings.contains { !$0.ok }
        let text = findings.map { finding in
            (finding.ok ? "正常  " : "需处理 ") + finding.message + (finding.action.map { "。建议：\($0)" } ?? "")
        }.joined(separator: "\n") + (needsAction ? "\n有需要处理的项目。" : "\n一切正常。")
        context.console.emit(
            [
                "ok": .bool(!needsAction),
                "checks": .array(findings.map { ["check": .string($0.check), "ok": .bool($0.ok), "message": .string($0.message), "action": .optional($0.action)] }),
            ], text: text)
        if needsAction { throw DoctorFound() }
    }

    /// GET parent/healthz: whether it answers, and how far its clock (the Date header) is from ours.
    static func probeParent(_ parent: String, caFile: String?, pins: [String]) -> (error: String?, offset: Int64?) {
        let started = Date()
        do {
            let client = try HTTPClient(configuration: .init(connectTimeout: .seconds(5), timeout: .seconds(10), caFile: caFile, pinnedPublicKeys: pins))
            let response = try client.perform(HTTPRequest(url: parent.hasSuffix("/") ? parent + "healthz" : parent + "/healthz"))
            guard response.status == 200 else { return ("上级回答 HTTP \(response.status)", nil) }
            let middle = started.addingTimeInterval(Date().timeIntervalSince(started) / 2)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            // The Date header has one-second resolution: the offset is good to about a second.
            let offset = response.headers["date"].flatMap(formatter.date(from:)).map { Int64(($0.timeIntervalSince(middle)) * 1000) }
            return (nil, offset)
        } catch {
            return (error.message, nil)
        }
    }

    private static func mode(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }
}

/// DoctorFound ends `doctor` with exit status 1 after its report, without another message.
struct DoctorFound: Error {}
