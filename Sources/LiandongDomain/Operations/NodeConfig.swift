/// NodeConfig is the parsed `/etc/liandong/liandong.conf`: one `key = value` per line, `#` starts
/// a comment line, blank lines are ignored. Every key must be one of `NodeConfig.keys` and appear
/// once; a value is checked for its kind here, so a typo stops `serve` with the line that holds it
/// instead of being ignored (the administrator may never see the machine again).
public struct NodeConfig: Equatable, Sendable {
    /// What a key's value must look like.
    public enum Kind: Sendable {
        case path
        case text
        case listen
        case bool
        case count
        case logLevel
        case bandwidth
    }

    /// The keys a config file may hold, with their kinds. Keys that name a command-line option
    /// (`data`, `listen`, `tls-cert`, `tls-key`, `ca`, `insecure-http`) are that option's default.
    public static let keys: [String: Kind] = [
        "data": .path,
        "listen": .listen,
        "tls-cert": .path,
        "tls-key": .path,
        "ca": .path,
        "insecure-http": .bool,
        "backup-dir": .path,
        "backup-keep-days": .count,
        "backup-passphrase-file": .path,
        "log-level": .logLevel,
        "blob-bandwidth": .bandwidth,
    ]

    public static let logLevels = ["debug", "info", "warn", "error"]

    /// The values by key, as written (booleans normalised to `true`/`false`).
    public private(set) var values: [String: String]
    /// The line each key was read from, for messages that point back into the file.
    public private(set) var lines: [String: Int]

    public init(values: [String: String] = [:], lines: [String: Int] = [:]) {
        self.values = values
        self.lines = lines
    }

    public subscript(key: String) -> String? { values[key] }

    /// A boolean key: absent is false.
    public func flag(_ key: String) -> Bool { values[key] == "true" }

    /// A count key, when present.
    public func count(_ key: String) -> Int? { values[key].flatMap { Int($0) } }

    /// Parses the text of a config file; the first problem is thrown with its line number.
    public static func parse(_ text: String) throws(NodeConfigError) -> NodeConfig {
        var config = NodeConfig()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw NodeConfigError(line: number, key: nil, reason: "应为“键 = 值”，收到：\(line)")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            var value = String(line[line.index(after: equals)...]).trimmingWhitespace()
            guard !key.isEmpty else { throw NodeConfigError(line: number, key: nil, reason: "等号前缺少键名") }
            guard let kind = keys[key] else {
                throw NodeConfigError(line: number, key: key, reason: "未知的键 \(key)，可用：\(keys.keys.sorted().joined(separator: "、"))")
            }
            guard config.values[key] == nil else {
                throw NodeConfigError(line: number, key: key, reason: "键 \(key) 已在第 \(config.lines[key] ?? 0) 行给出")
            }
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            value = try check(value, kind: kind, key: key, line: number)
            config.values[key] = value
            config.lines[key] = number
        }
        return config
    }

    private static func check(_ value: String, kind: Kind, key: String, line: Int) throws(NodeConfigError) -> String {
        func fail(_ reason: String) -> NodeConfigError { NodeConfigError(line: line, key: key, reason: reason) }
        guard !value.isEmpty else { throw fail("键 \(key) 缺少值") }
        switch kind {
        case .text:
            return value
        case .path:
            guard value.hasPrefix("/") else { throw fail("\(key) 应为绝对路径（以 / 开头），收到 \(value)") }
            return value
        case .listen:
            guard ListenAddress.parse(value) != nil else {
                throw fail("\(key) 应为 HOST:PORT，例如 127.0.0.1:8750 或 [::1]:8750，收到 \(value)")
            }
            return value
        case .bool:
            switch value.lowercased() {
            case "true", "yes", "on", "1": return "true"
            case "false", "no", "off", "0": return "false"
            default: throw fail("\(key) 应为 true 或 false，收到 \(value)")
            }
        case .count:
            guard let number = Int(value), number >= 0 else { throw fail("\(key) 应为非负整数，收到 \(value)") }
            return String(number)
        case .logLevel:
            guard logLevels.contains(value) else { throw fail("\(key) 应为 \(logLevels.joined(separator: "、")) 之一，收到 \(value)") }
            return value
        case .bandwidth:
            guard BandwidthWindow.parse(value) != nil else {
                throw fail("\(key) 应为“每秒 KiB 数 起-止”，例如 4 08:00-18:00（至少 \(BandwidthWindow.minimumKiB) KiB/s），收到 \(value)")
            }
            return value
        }
    }
}

/// NodeConfigError is a config file line that cannot be used: its number, its key when known, and why.
public struct NodeConfigError: Error, Equatable, Sendable {
    public let line: Int
    public let key: String?
    public let reason: String

    public init(line: Int, key: String?, reason: String) {
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var message: String { "第 \(line) 行：\(reason)" }
}

/// ListenAddress is a `HOST:PORT` or `[IPv6]:PORT` a server binds to.
public struct ListenAddress: Equatable, Sendable {
    public let host: String
    public let port: Int

    public static func parse(_ text: String) -> ListenAddress? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard !host.isEmpty, rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return ListenAddress(host: host, port: port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, !host.contains(":"), !host.contains(" ") else { return nil }
        return ListenAddress(host: host, port: port)
    }

    /// Loopback only: nobody else on the network can reach it, so plain HTTP is acceptable there.
    public var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
