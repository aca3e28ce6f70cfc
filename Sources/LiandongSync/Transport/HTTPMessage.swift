/// HTTPRequest is one request the HTTP client sends.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Extra headers in order; curl adds Host, Content-Length and Accept-Encoding itself.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Gzip the body and send `Content-Encoding: gzip` (curl never compresses requests).
    public var gzipBody: Bool
    /// `body` is gzip'd already (PreparedPush): sent as it is, with `Content-Encoding: gzip`.
    public var bodyIsGzip = false
    /// Cap on this transfer's speed each way (CURLOPT_MAX_SEND_SPEED_LARGE, CURLOPT_MAX_RECV_SPEED_LARGE); nil is none.
    public var maxBytesPerSecond: Int?

    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8] = [],
        gzipBody: Bool = false, maxBytesPerSecond: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.gzipBody = gzipBody
        self.maxBytesPerSecond = maxBytesPerSecond
    }
}

/// HTTPResponse is what the HTTP client received.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; repeated headers joined with ", ". Values are as the server
    /// sent them, so `content-encoding: gzip` stays even though `body` is already decoded.
    public var headers: [String: String]
    /// The body, already gunzipped when the server sent `Content-Encoding: gzip`.
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
