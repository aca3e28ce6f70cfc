import LiandongDomain

/// AcceptRequest is what an agent enters at the window to accept (受理) or refuse (不予受理) an application.
public struct AcceptRequest: Sendable {
    public var itemCode: String
    public var applicant: Applicant
    public var materials: [String]
    public var tolerateMissing: Bool
    public var delivery: DeliveryPreference
    public var collectAt: String?
    public var actor: String
    /// Non-empty for a refusal: every reason, in writing.
    public var refusalReasons: [String]

    public init(
        itemCode: String, applicant: Applicant, materials: [String], tolerateMissing: Bool = false,
        delivery: DeliveryPreference = DeliveryPreference(method: .collect, mailAddress: nil), collectAt: String? = nil,
        actor: String, refusalReasons: [String] = []
    ) {
        self.itemCode = itemCode
        self.applicant = applicant
        self.materials = materials
        self.tolerateMissing = tolerateMissing
        self.delivery = delivery
        self.collectAt = collectAt
        self.actor = actor
        self.refusalReasons = refusalReasons
    }
}
