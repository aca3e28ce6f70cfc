import LiandongDomain

/// SyncError is a refused sync request: a machine-readable code, its HTTP status, a Chinese
/// message, and optional detail fields (the field that is wrong, the supported versions).
public struct SyncError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var details: [String: JSONValue]

    public init(_ code: String, _ message: String, _ details: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The HTTP status of each error code (Protocol/sync.md).
    public static let statuses: [String: Int] = [
        "malformed_json": 400, "invalid_message": 400, "unsupported_protocol": 400, "body_too_large": 413,
        "unauthenticated": 401, "bad_signature": 401, "unknown_node": 401, "stale_request": 401, "replayed_request": 401,
        "revoked_node": 403, "not_a_child": 403, "clock_skew": 409, "invalid_token": 403, "token_expired": 403,
        "code_mismatch": 403, "not_found": 404, "method_not_allowed": 405, "internal": 500,
        "blob_unknown": 404, "blob_not_held": 404, "blob_offset_mismatch": 409, "blob_hash_mismatch": 422, "blob_too_long": 422,
    ]

    public var status: Int { Self.statuses[code] ?? 400 }

    public var json: JSONValue {
        var fields = details
        fields["error"] = .string(code)
        fields["message"] = .string(message)
        return .object(fields)
    }

    public var description: String { "\(code): \(message)" }

    /// The HTTP answer: the error body, and for a 405 the `Allow` header RFC 9110 §15.5.6 requires.
    public var response: HTTPServerResponse {
        var response = HTTPServerResponse.json(status, json.canonicalString)
        if code == "method_not_allowed", let allowed = details["allowed"]?.stringValue {
            response.headers["Allow"] = allowed == "GET" ? "GET, HEAD" : allowed
        }
        return response
    }

    public static func invalid(_ field: String, _ reason: String) -> SyncError {
        SyncError("invalid_message", "字段 \(field) 不正确：\(reason)", ["field": .string(field)])
    }

    public static let unsupportedProtocol = SyncError(
        "unsupported_protocol", "不支持的协议版本，本节点只支持 1", ["supported": [1]])

    public static func notFound(_ path: String) -> SyncError { SyncError("not_found", "没有这个地址：\(path)") }

    public static func methodNotAllowed(_ method: String, allowed: String) -> SyncError {
        SyncError("method_not_allowed", "\(method) 不适用于此地址，应使用 \(allowed)", ["allowed": .string(allowed)])
    }
}
