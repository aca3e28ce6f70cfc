/// Arguments are a command line split into options (`--name value`, repeatable), flags and positionals.
/// Options the command did not ask for are errors, so a typo never passes silently.
struct Arguments {
    /// Options that take no value.
    static let flags: Set<String> = ["json", "tolerate-missing", "once", "help", "open", "all", "keep", "insecure-http", "single", "latest", "stay", "retire-current"]
    /// Flags that take a value when one follows (`demo --keep` keeps its directory; `conflicts resolve --keep VALUE`).
    static let flagsWithOptionalValue: Set<String> = ["keep"]

    private(set) var options: [String: [String]] = [:]
    private(set) var positionals: [String] = []
    private var consumed: Set<String> = []
    /// Values from the config file for options not given on the command line (flags override it).
    var defaults: [String: String] = [:]

    init(_ tokens: [String]) throws {
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            guard token.hasPrefix("--"), token.count > 2 else {
                positionals.append(token)
                continue
            }
            var name = String(token.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if Arguments.flagsWithOptionalValue.contains(name), value == nil, index < tokens.count, !tokens[index].hasPrefix("--") {
                value = tokens[index]
                index += 1
            }
            if Arguments.flags.contains(name), !(Arguments.flagsWithOptionalValue.contains(name) && value != nil) {
                guard value == nil else { throw CLIError.usage("选项 --\(name) 不带参数值") }
                options[name, default: []].append("true")
                continue
            }
            if value == nil {
                guard index < tokens.count else { throw CLIError.usage("选项 --\(name) 缺少参数值") }
                value = tokens[index]
                index += 1
            }
            options[name, default: []].append(value ?? "")
        }
    }

    /// Whether the command line itself gave the option (not the config file).
    func isExplicit(_ name: String) -> Bool { options[name] != nil }

    mutating func flag(_ name: String) -> Bool {
        consumed.insert(name)
        return options[name] != nil || defaults[name] == "true"
    }

    mutating func optional(_ name: String) throws -> String? {
        consumed.insert(name)
        guard let values = options[name] else { return defaults[name] }
        guard values.count == 1 else { throw CLIError.usage("选项 --\(name) 只能给一次") }
        return values[0]
    }

    mutating func required(_ name: String, _ meaning: String) throws -> String {
        guard let value = try optional(name), !value.isEmpty else { throw CLIError.usage("缺少 --\(name)（\(meaning)）") }
        return value
    }

    mutating func all(_ name: String) -> [String] {
        consumed.insert(name)
        return options[name] ?? []
    }

    mutating func int(_ name: String) throws -> Int? {
        guard let text = try optional(name) else { return nil }
        guard let value = Int(text) else { throw CLIError.usage("--\(name) 应为整数，收到 \(text)") }
        return value
    }

    mutating func positional(_ index: Int, _ meaning: String) throws -> String {
        guard index < positionals.count else { throw CLIError.usage("缺少\(meaning)") }
        return positionals[index]
    }

    /// Fails on any option the command never asked for.
    func finish(maxPositionals: Int) throws {
        if let unknown = options.keys.sorted().first(where: { !consumed.contains($0) }) {
            throw CLIError.usage("未知选项 --\(unknown)")
        }
        if positionals.count > maxPositionals {
            throw CLIError.usage("多余的参数：\(positionals[maxPositionals...].joined(separator: " "))")
        }
    }
}
