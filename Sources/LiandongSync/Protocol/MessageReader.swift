import LiandongDomain
import LiandongStore

/// MessageReader reads the fields of a request or response object, naming the field that is
/// missing or of the wrong type (`invalid_message`). Unknown fields are ignored, so that a newer
/// peer may add fields within the same protocol version.
public struct MessageReader {
    public let fields: [String: JSONValue]
    let prefix: String

    /// Parses a body: malformed JSON and a non-object are refused; `protocol` must be 1 when `checkProtocol`.
    public static func parse(_ body: [UInt8], checkProtocol: Bool = true) throws(SyncError) -> MessageReader {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            throw SyncError("malformed_json", "请求体不是合法的 JSON：\(error)")
        }
        guard let fields = value.objectValue else { throw SyncError.invalid("(body)", "应为 JSON 对象") }
        let reader = MessageReader(fields: fields, prefix: "")
        if checkProtocol {
            guard let version = fields["protocol"] else { throw SyncError.invalid("protocol", "缺少") }
            guard version.intValue == SyncProtocol.version else { throw SyncError.unsupportedProtocol }
        }
        return reader
    }

    public init(fields: [String: JSONValue], prefix: String = "") {
        self.fields = fields
        self.prefix = prefix
    }

    func name(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    public func int(_ key: String, in range: ClosedRange<Int64>? = nil) throws(SyncError) -> Int64 {
        guard let value = fields[key] else { throw SyncError.invalid(name(key), "缺少") }
        guard let int = value.intValue else { throw SyncError.invalid(name(key), "应为整数，收到 \(value.typeName)") }
        if let range, !range.contains(int) { throw SyncError.invalid(name(key), "应在 \(range.lowerBound)…\(range.upperBound) 之间，收到 \(int)") }
        return int
    }

    public func optionalInt(_ key: String, in range: ClosedRange<Int64>? = nil) throws(SyncError) -> Int64? {
        guard let value = fields[key], !value.isNull else { return nil }
        return try int(key, in: range)
    }

    public func string(_ key: String) throws(SyncError) -> String {
        guard let value = fields[key] else { throw SyncError.invalid(name(key), "缺少") }
        guard let text = value.stringValue else { throw SyncError.invalid(name(key), "应为字符串，收到 \(value.typeName)") }
        return text
    }

    public func bool(_ key: String) throws(SyncError) -> Bool {
        guard let value = fields[key] else { throw SyncError.invalid(name(key), "缺少") }
        guard let flag = value.boolValue else { throw SyncError.invalid(name(key), "应为布尔值，收到 \(value.typeName)") }
        return flag
    }

    public func array(_ key: String) throws(SyncError) -> [JSONValue] {
        guard let value = fields[key] else { throw SyncError.invalid(name(key), "缺少") }
        guard let list = value.arrayValue else { throw SyncError.invalid(name(key), "应为数组，收到 \(value.typeName)") }
        return list
    }

    public func object(_ key: String) throws(SyncError) -> MessageReader {
        guard let value = fields[key] else { throw SyncError.invalid(name(key), "缺少") }
        guard let object = value.objectValue else { throw SyncError.invalid(name(key), "应为对象，收到 \(value.typeName)") }
        return MessageReader(fields: object, prefix: name(key))
    }

    /// A node code: digits only, 6 to 12 of them.
    public func nodeCode(_ key: String) throws(SyncError) -> String {
        let code = try string(key)
        guard NodeCode.role(of: code) != nil else { throw SyncError.invalid(name(key), "\(code) 不是节点区划代码") }
        return code
    }

    /// A heads map `{ORIGIN: {"seq": n, "hash": hex}}`.
    public func heads(_ key: String) throws(SyncError) -> Heads {
        let object = try self.object(key)
        var heads: Heads = [:]
        for (origin, _) in object.fields {
            let head = try object.object(origin)
            let seq = try head.int("seq", in: 0...Int64.max)
            guard let hash = Hex.decode(try head.string("hash")), hash.count == 32 else {
                throw SyncError.invalid(head.name("hash"), "应为 64 位小写十六进制")
            }
            heads[origin] = Head(seq: seq, hash: hash)
        }
        return heads
    }

    /// A list of quarantine reports.
    public func reports(_ key: String) throws(SyncError) -> [SyncReport] {
        var result: [SyncReport] = []
        for (index, item) in try array(key).enumerated() {
            guard let fields = item.objectValue else { throw SyncError.invalid("\(name(key))[\(index)]", "应为对象") }
            let report = MessageReader(fields: fields, prefix: "\(name(key))[\(index)]")
            result.append(SyncReport(origin: try report.string("origin"), seq: try report.int("seq"), hash: try report.string("hash"),
                                     reason: try report.string("reason"), message: try report.string("message")))
        }
        return result
    }
}

/// SyncProtocol holds the protocol's version and limits (Protocol/sync.md).
public enum SyncProtocol {
    public static let version: Int64 = 1
    public static let maxBodyBytes = 16 << 20
    public static let maxBatch = 5000
    public static let maxWaitSeconds: Int64 = 30
    /// A request's time may differ from the server's by this much.
    public static let requestWindowMillis: Int64 = 5 * 60_000
    /// How far ahead of its parent a child's clock may run.
    public static let maxSkewMillis: Int64 = 5 * 60_000
}
