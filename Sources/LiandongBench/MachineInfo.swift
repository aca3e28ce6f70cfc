import Foundation
import LiandongStore

#if canImport(Glibc)
    import Glibc
#endif

/// MachineInfo describes where the figures were measured, so that they can be compared.
enum MachineInfo {
    static func lines(sqlite db: Database) -> [(String, String)] {
        let cpu = firstValue(in: "/proc/cpuinfo", key: "model name") ?? "unknown"
        let memory = ProcessInfo.processInfo.physicalMemory
        let os = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { String($0.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        let sqlite = (try? db.query("SELECT sqlite_version() AS v").first?.text("v")) ?? nil
        return [
            ("CPU", cpu),
            ("cores", "\(ProcessInfo.processInfo.activeProcessorCount)"),
            ("memory", String(format: "%.1f GiB", Double(memory) / 1_073_741_824)),
            ("OS", os ?? "unknown"),
            ("kernel", kernelRelease()),
            ("Swift", swiftVersion()),
            ("SQLite", sqlite ?? "unknown"),
            ("temp dir", FileManager.default.temporaryDirectory.path),
        ]
    }

    /// Peak resident set size of this process so far, in MiB (getrusage: ru_maxrss is in KiB on Linux).
    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// uname -sr: the OS line above is the distribution, this is the kernel that ran the bench.
    private static func kernelRelease() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return text(names.sysname) + " " + text(names.release)
    }

    private static func firstValue(in path: String, key: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The toolchain on PATH (what `make bench` built with); the compiler check is the fallback.
    private static func swiftVersion() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        if (try? process.run()) != nil {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.contains("Swift version") }) {
                return line.trimmingCharacters(in: .whitespaces)
            }
        }
        #if compiler(>=6.2)
            return "compiled with Swift ≥ 6.2"
        #else
            return "compiled with Swift 6.0 or 6.1"
        #endif
    }
}
