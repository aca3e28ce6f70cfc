import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// CountyProcess is a county's `liandong serve` run as its own process (the built binary), so that
/// its memory, threads and CPU are its own and can be read from /proc.
///
/// `@unchecked Sendable`: after init only `sample()` (reads /proc) and `stop()` are called from other threads.
final class CountyProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let logPath: String
    var url: String { "http://127.0.0.1:\(port)" }
    var pid: Int32 { process.processIdentifier }

    /// Starts `binary serve` on a free loopback port and waits until it accepts connections. The
    /// children all connect from 127.0.0.1, where 600 nodes would come from 600 addresses: the
    /// per-address connection limit is raised to let one address stand for them all.
    init(binary: String, directory: String, perAddressLimit: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no liandong binary at \(binary) (build it: swift build -c release --product liandong, or give --liandong PATH)")
        }
        port = try CountyProcess.freePort()
        logPath = directory + "/serve.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--data", directory, "--listen", "127.0.0.1:\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["LIANDONG_PER_ADDRESS_LIMIT"] = "\(perAddressLimit)"
        environment.removeValue(forKey: "LIANDONG_NOW")
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !CountyProcess.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                stop()
                throw BenchError("the county's serve did not listen on 127.0.0.1:\(port)\n\(log.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// What /proc says about the process now.
    struct Sample {
        var rssKiB = 0
        var peakRSSKiB = 0
        var threads = 0
        /// User plus system CPU time so far, in seconds.
        var cpuSeconds = 0.0
        var rssMiB: Double { Double(rssKiB) / 1024 }
        var peakRSSMiB: Double { Double(peakRSSKiB) / 1024 }
    }

    func sample() -> Sample {
        var sample = Sample()
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 2, let value = Int(fields[1]) else { continue }
                switch fields[0] {
                case "VmRSS:": sample.rssKiB = value
                case "VmHWM:": sample.peakRSSKiB = value
                case "Threads:": sample.threads = value
                default: break
                }
            }
        }
        // /proc/PID/stat: after the command's closing parenthesis, utime and stime are the 12th and 13th fields.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                sample.cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        return sample
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(errno)") }
        defer { close(fd) }
        var address = WireTap.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw BenchError("bind: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = WireTap.loopback(port: UInt16(port))
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
