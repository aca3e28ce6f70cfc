/// ServiceItem is one entry of the county's item catalog (事项目录): what a citizen can apply for,
/// with the national item data of GB/T 39046-2020 that the workflow needs (who may accept it,
/// who decides, its materials and time limits). Items travel in signed change payloads as `json`.
public struct ServiceItem: Hashable, Sendable {
    /// 事项类型 (GB/T 39046 A.1); only application-based types are listed.
    public enum ItemType: String, Sendable, CaseIterable {
        case administrativeLicense = "administrative_license"
        case administrativePayment = "administrative_payment"
        case administrativeConfirmation = "administrative_confirmation"
        case administrativeFiling = "administrative_filing"
        case otherPower = "other_power"
        case publicService = "public_service"

        /// The GB/T 39046-2020 A.1 code; 行政备案 has none there (it appears only in later rules).
        public var standardCode: String? {
            switch self {
            case .administrativeLicense: return "01"
            case .administrativePayment: return "05"
            case .administrativeConfirmation: return "07"
            case .administrativeFiling: return nil
            case .otherPower: return "10"
            case .publicService: return "20"
            }
        }

        public var chineseName: String {
            switch self {
            case .administrativeLicense: return "行政许可"
            case .administrativePayment: return "行政给付"
            case .administrativeConfirmation: return "行政确认"
            case .administrativeFiling: return "行政备案"
            case .otherPower: return "其他行政权力"
            case .publicService: return "公共服务"
            }
        }
    }

    /// 办件类型 (GB/T 39046 A.6).
    public enum Kind: String, Sendable, CaseIterable {
        /// 即办件 (1): materials complete, done on the spot or the same day.
        case immediate
        /// 承诺件 (2): needs review; done within the promised limit.
        case promised

        public var standardCode: Int { self == .immediate ? 1 : 2 }
        public var chineseName: String { self == .immediate ? "即办件" : "承诺件" }
    }

    /// 行使层级 (GB/T 39046): the level of government that exercises the item.
    public enum ExercisingLevel: Int, Sendable, CaseIterable {
        case national = 1
        case provincial = 2
        case municipal = 3
        case county = 4
        case township = 5
        case village = 6
        case tiered = 7

        public var chineseName: String {
            ["国家级", "省级", "市级", "县级", "乡镇（街道）级", "村（社区）级", "分级管理"][rawValue - 1]
        }
    }

    /// 服务对象 (GB/T 39046: 1 自然人 … 6 其他组织; codes 2–5 as commonly published, unverified).
    public enum ServiceObject: String, Sendable, CaseIterable {
        case naturalPerson = "natural_person"
        case enterpriseLegalPerson = "enterprise_legal_person"
        case institutionLegalPerson = "institution_legal_person"
        case socialOrganizationLegalPerson = "social_organization_legal_person"
        case unincorporatedEnterprise = "unincorporated_enterprise"
        case otherOrganization = "other_organization"

        public var standardCode: Int {
            switch self {
            case .naturalPerson: return 1
            case .enterpriseLegalPerson: return 2
            case .institutionLegalPerson: return 3
            case .socialOrganizationLegalPerson: return 4
            case .unincorporatedEnterprise: return 5
            case .otherOrganization: return 6
            }
        }

        public var chineseName: String {
            switch self {
            case .naturalPerson: return "自然人"
            case .enterpriseLegalPerson: return "企业法人"
            case .institutionLegalPerson: return "事业法人"
            case .socialOrganizationLegalPerson: return "社会组织法人"
            case .unincorporatedEnterprise: return "非法人企业"
            case .otherOrganization: return "其他组织"
            }
        }
    }

    /// 收费: whether the item charges a fee and the published standard.
    public struct Fee: Hashable, Sendable {
        public var charged: Bool
        public var standard: String?

        public init(charged: Bool, standard: String? = nil) {
            self.charged = charged
            self.standard = standard
        }
    }

    /// 基本编码: the key of the item in liandong (unique in a catalog).
    public var code: String
    /// 实施编码: the county's implementation code.
    public var implementationCode: String?
    public var name: String
    public var type: ItemType
    /// Catalog version of this item, ≥ 1; a change to an item publishes a higher version.
    public var version: Int
    public var kind: Kind
    /// The tiers whose nodes may accept the item (non-empty).
    public var acceptAt: [Role]
    /// The tier that holds approval power: township or county.
    public var decideAt: Role
    /// 法定时限.
    public var legalLimit: TimeLimit
    /// 承诺时限, not longer than the legal limit when both use the same unit.
    public var promisedLimit: TimeLimit
    /// Township preliminary review of a county-decided item (行政许可法 art. 43).
    public var preliminaryReviewLimit: TimeLimit?
    public var materials: [Material]
    /// 容缺受理: a case may be accepted with required materials missing, to be supplied later.
    public var toleratedMissing: Bool
    /// Whether a supplement requested after acceptance pauses the clock (local practice, per item).
    public var supplementPausesClock: Bool
    /// 设定依据.
    public var legalBasis: String?
    public var level: ExercisingLevel?
    public var fee: Fee?
    public var serviceObject: ServiceObject?
    /// 受理条件.
    public var acceptanceConditions: String?
    /// 结果名称, e.g. 老年人优待证.
    public var resultName: String?
    /// 联合办理 / 统一办理: several departments handle it together, so an extension may be 15
    /// working days instead of 10 (行政许可法 art. 42).
    public var jointHandling = false

    /// The longest extension the item allows, in working days (行政许可法 art. 42).
    public var maxExtensionDays: Int { jointHandling ? 15 : 10 }

    public init(
        code: String, implementationCode: String? = nil, name: String, type: ItemType, version: Int = 1,
        kind: Kind, acceptAt: [Role], decideAt: Role, legalLimit: TimeLimit, promisedLimit: TimeLimit,
        preliminaryReviewLimit: TimeLimit? = nil, materials: [Material], toleratedMissing: Bool = false,
        supplementPausesClock: Bool = false, legalBasis: String? = nil, level: ExercisingLevel? = nil,
        fee: Fee? = nil, serviceObject: ServiceObject? = nil, acceptanceConditions: String? = nil,
        resultName: String? = nil
    ) {
        self.code = code
        self.implementationCode = implementationCode
        self.name = name
        self.type = type
        self.version = version
        self.kind = kind
        self.acceptAt = acceptAt
        self.decideAt = decideAt
        self.legalLimit = legalLimit
        self.promisedLimit = promisedLimit
        self.preliminaryReviewLimit = preliminaryReviewLimit
        self.materials = materials
        self.toleratedMissing = toleratedMissing
        self.supplementPausesClock = supplementPausesClock
        self.legalBasis = legalBasis
        self.level = level
        self.fee = fee
        self.serviceObject = serviceObject
        self.acceptanceConditions = acceptanceConditions
        self.resultName = resultName
    }

    /// The required materials not in `provided` (material ids), in catalog order: what the
    /// one-time notice (一次性告知书, 行政许可法 art. 32) must list.
    public func missingMaterials(provided: Set<String>) -> [Material] {
        materials.filter { $0.required && !provided.contains($0.id) }
    }

    /// Whether a node of `role` may accept the item.
    public func canBeAccepted(at role: Role) -> Bool { acceptAt.contains(role) }
}
