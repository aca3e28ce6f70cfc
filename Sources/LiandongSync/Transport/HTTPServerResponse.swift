/// HTTPServerResponse is what a handler answers: status, headers and body.
public struct HTTPServerResponse: Sendable {
    public var status: Int
    /// Header names as the handler spells them; Content-Length is computed by the server.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from already-encoded text.
    public static func json(_ status: Int, _ text: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }
}

/// HTTPServerResult is a handler's decision: answer now, or park the request as a long-poll.
public enum HTTPServerResult: Sendable {
    case respond(HTTPServerResponse)
    /// Park the request until the long-poll is resolved, woken or reaches its deadline.
    case suspend(LongPoll)
}
