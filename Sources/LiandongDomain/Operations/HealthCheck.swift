/// HealthCheck judges what `liandong doctor` measured on a node: each fact becomes a finding, in
/// Chinese, that says what is wrong and what to do. Pure, so the thresholds are tested with plain
/// values; the command only measures.
public enum HealthCheck {
    /// What was measured; nil means it could not be (or does not apply).
    public struct Facts: Sendable {
        public var now: Int64
        public var integrityProblems: [String]?
        public var freeBytes: Int64?
        public var totalBytes: Int64?
        public var dataDirectoryMode: Int?
        public var keyFileMode: Int?
        public var certificateNotAfter: Int64?
        public var backupDirectory: String?
        public var newestBackupAt: Int64?
        public var hasParent: Bool
        public var lastExchangeAt: Int64?
        public var parentError: String?
        public var parentClockOffset: Int64?
        public var serveRunning: Bool?

        public init(now: Int64, hasParent: Bool) {
            self.now = now
            self.hasParent = hasParent
        }
    }

    /// One line of the report.
    public struct Finding: Equatable, Sendable {
        public var check: String
        public var ok: Bool
        public var message: String
        /// What to do, when something needs doing.
        public var action: String?
    }

    static let day: Int64 = 86_400_000
    /// Below either, the disk is too full to take a day of cases and a backup.
    public static let minimumFreeBytes: Int64 = 1 << 30
    public static let minimumFreeFraction = 0.05
    /// A certificate expiring within this shows up (as `status` does).
    public static let certificateWarning: Int64 = 30 * day
    /// The backup timer runs daily: two days without one means it failed at least once.
    public static let backupAge: Int64 = 2 * day
    /// A village may be offline for days; a week without a successful exchange needs a visit.
    public static let exchangeAge: Int64 = 7 * day
    /// The sync refuses changes beyond the allowed skew; warn well before.
    public static let clockOffset: Int64 = 60_000

    public static func assess(_ facts: Facts) -> [Finding] {
        var findings: [Finding] = []
        func add(_ check: String, ok: Bool, _ message: String, _ action: String? = nil) {
            findings.append(Finding(check: check, ok: ok, message: message, action: ok ? nil : action))
        }
        switch facts.integrityProblems {
        case nil:
            add("integrity", ok: false, "数据库无法打开检查", "查看上面的错误；必要时从最近的备份恢复（liandong restore）")
        case let problems? where problems.isEmpty:
            add("integrity", ok: true, "数据库完整性检查（quick_check）通过")
        case let problems?:
            add("integrity", ok: false, "数据库完整性检查发现问题：\(problems.prefix(3).joined(separator: "；"))",
                "停止服务，从最近的备份恢复（liandong restore），再运行 liandong verify")
        }
        if let free = facts.freeBytes, let total = facts.totalBytes, total > 0 {
            let fraction = Double(free) / Double(total)
            let ok = free >= minimumFreeBytes && fraction >= minimumFreeFraction
            add("disk", ok: ok, "数据所在磁盘剩余 \(megabytes(free)) MiB（\(Int(fraction * 100))%）",
                "清理磁盘或扩容：至少留 1 GiB 且 5% 以上的空间，否则新办件和备份会写入失败")
        }
        if let mode = facts.dataDirectoryMode {
            add("permissions", ok: mode & 0o077 == 0, "数据目录权限为 \(octal(mode))",
                "数据目录含申请人个人信息，运行 chmod 700 限制为仅服务账户可读")
        }
        if let mode = facts.keyFileMode {
            add("key", ok: mode & 0o077 == 0, "节点私钥文件权限为 \(octal(mode))", "运行 chmod 600 让私钥只有服务账户可读")
        } else {
            add("key", ok: false, "找不到节点私钥文件", "从包含私钥的备份恢复（liandong restore），或请上级重新登记本节点")
        }
        if let notAfter = facts.certificateNotAfter {
            let left = notAfter - facts.now
            if left <= 0 {
                add("certificate", ok: false, "TLS 证书已过期", "更换证书（配置文件中的 tls-cert、tls-key），再重启服务")
            } else {
                add("certificate", ok: left > certificateWarning, "TLS 证书还有 \(left / day) 天到期",
                    "30 天内到期：更换证书（配置文件中的 tls-cert、tls-key），再重启服务")
            }
        }
        if let directory = facts.backupDirectory {
            if let newest = facts.newestBackupAt {
                let age = facts.now - newest
                add("backup", ok: age <= backupAge, "最近一次备份在 \(hours(age)) 小时前（\(directory)）",
                    "检查备份定时任务：systemctl status liandong-backup.timer，journalctl -u liandong-backup")
            } else {
                add("backup", ok: false, "备份目录 \(directory) 中还没有本节点的备份",
                    "运行 liandong backup，并启用定时备份：systemctl enable --now liandong-backup.timer")
            }
        } else {
            add("backup", ok: false, "未配置备份目录", "在配置文件中写 backup-dir = /var/backups/liandong，并启用 liandong-backup.timer")
        }
        if facts.hasParent {
            if let error = facts.parentError {
                add("parent", ok: false, "无法连接上级：\(error)", "检查网络和上级地址；上级服务是否在运行（在上级运行 liandong doctor）")
            } else {
                add("parent", ok: true, "上级可以连接")
            }
            if let offset = facts.parentClockOffset {
                let seconds = offset / 1000
                add("clock", ok: abs(offset) <= clockOffset, "本机时钟与上级相差 \(seconds) 秒",
                    "校准本机时间（timedatectl set-ntp true，或手动设置）：时钟偏差过大的变更会被上级拒收")
            }
            if let last = facts.lastExchangeAt {
                let age = facts.now - last
                add("exchange", ok: age <= exchangeAge, "最近一次与上级成功同步在 \(hours(age)) 小时前",
                    "检查网络；若长期断网，可用 liandong bundle export 经 U 盘交换")
            } else {
                add("exchange", ok: false, "还没有与上级成功同步过", "确认服务在运行（systemctl status liandong）且能连接上级")
            }
        }
        if let running = facts.serveRunning {
            add("service", ok: running, running ? "服务（liandong serve）正在运行" : "服务（liandong serve）没有运行",
                "启动服务：systemctl enable --now liandong")
        }
        return findings
    }

    static func megabytes(_ bytes: Int64) -> Int64 { bytes >> 20 }
    static func hours(_ millis: Int64) -> Int64 { max(0, millis) / 3_600_000 }
    static func octal(_ mode: Int) -> String { "0" + String(mode & 0o777, radix: 8) }
}
