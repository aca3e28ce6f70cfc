/// StoreError is a node-level failure with a machine-readable code and a Chinese message for staff.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let message: String
    public var details: [String: String]

    public init(_ code: String, _ message: String, details: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    static func notInitialized(_ dir: String) -> StoreError {
        StoreError("not_initialized", "数据目录 \(dir) 尚未初始化，请先运行 liandong init")
    }
    static func alreadyInitialized(_ dir: String) -> StoreError {
        StoreError("already_initialized", "数据目录 \(dir) 已经初始化过")
    }
}
