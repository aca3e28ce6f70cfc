/// HTTPClientError is a failed HTTP exchange: curl's code and message, and the URL.
///
/// Match a kind in `catch` the way GRDB matches result codes:
/// `catch HTTPClientError.timeout { ... }`.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, coarsely enough for retry and reporting decisions.
    public enum Kind: Sendable, Equatable {
        /// The host could not be resolved or refused the connection.
        case connect
        /// The connect timeout, the overall timeout or the low-speed floor ran out.
        case timeout
        /// The TLS handshake or the peer's certificate failed.
        case tls
        /// The response exceeded the configured maximum size.
        case tooLarge
        /// Anything else: a reset connection, a malformed response, a bad option.
        case other
    }

    public static let connect = Kind.connect
    public static let timeout = Kind.timeout
    public static let tls = Kind.tls
    public static let tooLarge = Kind.tooLarge
    public static let other = Kind.other

    public let kind: Kind
    /// curl's `CURLcode` (a `CURLE_*` value).
    public let curlCode: Int
    /// curl's error buffer text, or `curl_easy_strerror` when the buffer was empty.
    public let message: String
    public let url: String

    public init(kind: Kind, curlCode: Int, message: String, url: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = url
    }

    /// What staff read (status, sync): the kind in Chinese; curl's own English stays in the log.
    public var chineseMessage: String {
        switch kind {
        case .connect: return "无法连接（对方未启动、地址或端口不对，或网络不通）"
        case .timeout: return "连接超时（网络太慢或中断）"
        case .tls: return "加密连接（TLS）失败：证书不符或无效"
        case .tooLarge: return "对方的应答超过允许的大小"
        case .other: return "通信中断（错误码 \(curlCode)）"
        }
    }

    public var description: String {
        "HTTPClientError.\(kind) (curl \(curlCode)) for \(url): \(message)"
    }
}

extension HTTPClientError.Kind {
    /// Lets `catch HTTPClientError.timeout` match an error of that kind.
    public static func ~= (kind: Self, error: any Error) -> Bool {
        (error as? HTTPClientError)?.kind == kind
    }
}
