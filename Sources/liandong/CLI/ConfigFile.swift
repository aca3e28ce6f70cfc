import Foundation
import LiandongDomain

/// ConfigFile finds and reads the node's config file: `--config FILE`, else `LIANDONG_CONFIG`,
/// else `/etc/liandong/liandong.conf` when it exists. A file that was named but is missing, or
/// that holds a bad line, is an error; the default file may be absent (no package installed).
enum ConfigFile {
    static let defaultPath = "/etc/liandong/liandong.conf"

    /// The config and where it came from (nil when no file was used).
    static func load(explicit: String?) throws -> (config: NodeConfig, path: String?) {
        let environment = ProcessInfo.processInfo.environment["LIANDONG_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let named = explicit ?? environment
        let path: String
        if let named {
            path = named
        } else if FileManager.default.fileExists(atPath: defaultPath) {
            path = defaultPath
        } else {
            return (NodeConfig(), nil)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(code: "config_unreadable", message: "无法读取配置文件 \(path)", exitCode: 2)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(code: "invalid_config", message: "配置文件 \(path) 不是 UTF-8 文本", exitCode: 2)
        }
        do {
            return (try NodeConfig.parse(text), path)
        } catch {
            var fields: [String: JSONValue] = ["file": .string(path), "line": .int(Int64(error.line))]
            if let key = error.key { fields["key"] = .string(key) }
            throw CLIError(code: "invalid_config", message: "配置文件 \(path) \(error.message)", fields: fields, exitCode: 2)
        }
    }
}
