/// Applicant is the citizen or organisation a case is for (GB/T 39046 application data set).
public struct Applicant: Hashable, Sendable {
    /// ID type: a resident ID number (GB 11643) or a unified social credit code (GB 32100).
    public enum IDType: String, Sendable, CaseIterable {
        case residentID = "resident_id"
        case creditCode = "credit_code"
    }

    public var name: String
    public var idType: IDType
    public var idNumber: String
    public var phone: String
    public var address: String?

    public init(name: String, idType: IDType = .residentID, idNumber: String, phone: String, address: String? = nil) {
        self.name = name
        self.idType = idType
        self.idNumber = idNumber
        self.phone = phone
        self.address = address
    }

    public var json: JSONValue {
        ["name": .string(name), "idType": .string(idType.rawValue), "idNumber": .string(idNumber),
         "phone": .string(phone), "address": .optional(address)]
    }

    public init(json: JSONValue) throws {
        let p = PayloadReader(json, field: "applicant")
        self.name = try p.string("name")
        self.idType = try p.enumValue("idType", IDType.self)
        self.idNumber = try p.string("idNumber")
        self.phone = try p.string("phone")
        self.address = try p.optionalString("address")
    }
}
