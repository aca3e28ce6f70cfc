import LiandongDomain

/// EnrollmentError is a refused or failed enrollment: the wire error code (SYNC-CONTRACT),
/// a Chinese message, the HTTP status it travels with, and the bad field when there is one.
public struct EnrollmentError: Error, CustomStringConvertible, Sendable, Equatable {
    public var code: String
    public var message: String
    /// The HTTP status the parent answered (or would answer) with; 0 when no answer came.
    public var status: Int
    public var field: String?
    /// Detail fields of the error body beyond error, message and field (`supported`).
    public var extra: [String: JSONValue]

    public init(_ code: String, _ message: String, status: Int, field: String? = nil, extra: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.extra = extra
    }

    public var description: String { "\(code): \(message)" }

    /// The error body: `{"error": CODE, "message": 中文, …}`.
    public var json: JSONValue {
        var fields = extra
        fields["error"] = .string(code)
        fields["message"] = .string(message)
        if let field { fields["field"] = .string(field) }
        return .object(fields)
    }
}
