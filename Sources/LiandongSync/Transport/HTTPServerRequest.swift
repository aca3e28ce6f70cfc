/// HTTPServerRequest is one complete request as a handler sees it.
public struct HTTPServerRequest: Sendable {
    public var method: String
    /// The path without the query string, percent-decoded by libmicrohttpd.
    public var path: String
    /// Query arguments, decoded; a repeated name keeps its last value.
    public var query: [String: String]
    /// Header names lower-cased; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The body, already gunzipped when it was sent with `Content-Encoding: gzip`.
    public var body: [UInt8]
    /// The peer's IP address ("127.0.0.1", "::1"), or "" when unknown.
    public var remoteAddress: String
    /// When the server finished receiving the request; a handler that parks it again after a
    /// wake-up can keep the original long-poll deadline (`receivedAt + .seconds(25)`).
    public var receivedAt: ContinuousClock.Instant

    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        body: [UInt8] = [], remoteAddress: String = "", receivedAt: ContinuousClock.Instant = .now
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
    }
}
