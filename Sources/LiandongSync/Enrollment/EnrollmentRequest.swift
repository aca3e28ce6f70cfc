import LiandongDomain

/// EnrollmentRequest is the body of POST /sync/v1/enroll: the one-time token and who the child
/// is, `{"protocol":1,"token","code","role","name","publicKey"}`. No node signature: the token
/// authenticates the request.
public struct EnrollmentRequest: Sendable, Equatable {
    public var token: String
    public var registration: NodeRegistration

    public init(token: String, registration: NodeRegistration) {
        self.token = token
        self.registration = registration
    }

    static let fields: Set<String> = ["protocol", "token", "code", "role", "name", "publicKey"]

    public var json: JSONValue {
        var fields = registration.json.objectValue ?? [:]
        fields["protocol"] = .int(Enrollment.protocolVersion)
        fields["token"] = .string(token)
        return .object(fields)
    }

    /// Reads a request body strictly: JSON, an object, protocol 1, no unknown field, every field
    /// present and well-formed. The error names the field.
    public static func parse(_ body: [UInt8]) throws(EnrollmentError) -> EnrollmentRequest {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw EnrollmentError("malformed_json", "请求不是有效的 JSON：\(error)", status: 400)
        }
        guard case .object(let fields) = json else {
            throw EnrollmentError("invalid_message", "请求应为 JSON 对象", status: 400, field: "")
        }
        guard let version = fields["protocol"] else {
            throw EnrollmentError("invalid_message", "请求缺少字段 protocol", status: 400, field: "protocol")
        }
        guard version.intValue == Enrollment.protocolVersion else {
            throw EnrollmentError("unsupported_protocol", "不支持的协议版本 \(version.canonicalString)，本节点支持 \(Enrollment.protocolVersion)",
                                  status: 400, extra: ["supported": [.int(Enrollment.protocolVersion)]])
        }
        if let unknown = fields.keys.sorted().first(where: { !EnrollmentRequest.fields.contains($0) }) {
            throw EnrollmentError("invalid_message", "请求中有未知字段 \(unknown)", status: 400, field: unknown)
        }
        let reader = PayloadReader(json, field: "")
        do {
            let token = try reader.string("token")
            guard token.utf8.count <= 256 else { throw reader.fail("token", "longer than 256 bytes") }
            return EnrollmentRequest(token: token, registration: try NodeRegistration.parse(json, field: ""))
        } catch let CaseError.invalidPayload(field, reason) {
            throw EnrollmentError("invalid_message", "请求字段 \(field) 无效：\(reason)", status: 400, field: field)
        } catch {
            throw EnrollmentError("invalid_message", "请求无效：\(error)", status: 400)
        }
    }
}
