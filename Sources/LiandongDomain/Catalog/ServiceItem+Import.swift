/// The catalog import format and the item's payload form; `ServiceItem.parse(item.json) == item`.
extension ServiceItem {
    /// The version of the catalog document format this build reads.
    public static let catalogFormatVersion = 1

    static let keys: Set<String> = [
        "code", "implementationCode", "name", "type", "version", "kind", "acceptAt", "decideAt", "legalLimit",
        "promisedLimit", "preliminaryReviewLimit", "materials", "toleratedMissing", "supplementPausesClock",
        "legalBasis", "level", "fee", "serviceObject", "acceptanceConditions", "resultName", "jointHandling",
    ]

    /// Longest code accepted (DOMAIN.md: codes differ in length between sources; validate only this).
    static let maxCodeLength = 50

    /// The item as a JSON object in the import format; absent optional fields are omitted.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "code": .string(code), "name": .string(name), "type": .string(type.rawValue),
            "version": .int(Int64(version)), "kind": .string(kind.rawValue),
            "acceptAt": .strings(acceptAt.map(\.rawValue)), "decideAt": .string(decideAt.rawValue),
            "legalLimit": legalLimit.json, "promisedLimit": promisedLimit.json,
            "materials": .array(materials.map(\.json)), "toleratedMissing": .bool(toleratedMissing),
            "supplementPausesClock": .bool(supplementPausesClock),
        ]
        o["implementationCode"] = implementationCode.map { .string($0) }
        o["preliminaryReviewLimit"] = preliminaryReviewLimit?.json
        o["legalBasis"] = legalBasis.map { .string($0) }
        o["level"] = level.map { .int(Int64($0.rawValue)) }
        o["fee"] = fee.map { fee -> JSONValue in
            var f: [String: JSONValue] = ["charged": .bool(fee.charged)]
            f["standard"] = fee.standard.map { .string($0) }
            return .object(f)
        }
        o["serviceObject"] = serviceObject.map { .string($0.rawValue) }
        o["acceptanceConditions"] = acceptanceConditions.map { .string($0) }
        o["resultName"] = resultName.map { .string($0) }
        if jointHandling { o["jointHandling"] = .bool(true) }
        return .object(o)
    }

    /// A whole catalog document, `{"version": 1, "items": [...]}`, items in the given order.
    public static func catalogJSON(_ items: [ServiceItem]) -> JSONValue {
        ["version": .int(Int64(catalogFormatVersion)), "items": .array(items.map(\.json))]
    }

    /// Reads one item (as carried in a change payload), validating every field.
    public static func parse(_ json: JSONValue) throws(ImportError) -> ServiceItem {
        try parse(json, path: "")
    }

    /// Reads a catalog document: the format version must be 1, item codes unique. Every item is
    /// read: the error thrown names the first problem of each bad item (the item and the JSON path,
    /// `items[3].legalLimit.days`) and carries the others in `more`, so that one import shows them all.
    public static func parseCatalog(_ json: JSONValue) throws(ImportError) -> [ServiceItem] {
        let reader = try ImportReader(json, path: "")
        try reader.rejectUnknownKeys(["version", "items"])
        let version = try reader.int("version")
        guard version == catalogFormatVersion else {
            throw reader.error(
                ImportError.Code.unsupportedVersion, "version",
                "不支持的目录格式版本 \(version)，应为 \(catalogFormatVersion)")
        }
        var items: [ServiceItem] = []
        var seen: Set<String> = []
        var errors: [ImportError] = []
        for (index, value) in try reader.array("items").enumerated() {
            let item: ServiceItem
            do {
                item = try parse(value, path: "items[\(index)]")
            } catch {
                errors.append(error)
                continue
            }
            guard seen.insert(item.code).inserted else {
                errors.append(ImportError(
                    code: ImportError.Code.duplicate, item: item.code, field: "items[\(index)].code",
                    message: "事项编码“\(item.code)”重复"))
                continue
            }
            items.append(item)
        }
        if let error = ImportError.combined(errors) { throw error }
        return items
    }

    static func parse(_ json: JSONValue, path: String) throws(ImportError) -> ServiceItem {
        var r = try ImportReader(json, path: path)
        // The code first, so that every later error names the item.
        let code = try code(r, "code")
        r.item = code
        try r.rejectUnknownKeys(keys)
        let implementationCode = r.optional("implementationCode") == nil ? nil : try self.code(r, "implementationCode")
        let name = try r.text("name")
        let type = try r.enumValue("type", ItemType.self)
        let version = try r.optionalInt("version") ?? 1
        guard version >= 1 else {
            throw r.error(ImportError.Code.invalidField, "version", "版本号至少为 1，实际为 \(version)")
        }
        let kind = try r.enumValue("kind", Kind.self)
        let acceptAt = try roles(r)
        let decideAt = try r.enumValue("decideAt", Role.self)
        guard decideAt != .village else {
            throw r.error(
                ImportError.Code.invalidField, "decideAt", "村级代办点没有审批权，决定层级应为 township 或 county")
        }
        let legalLimit = try r.timeLimit("legalLimit")
        let promisedLimit = try r.timeLimit("promisedLimit")
        if promisedLimit.unit == legalLimit.unit && promisedLimit.days > legalLimit.days {
            throw r.error(
                ImportError.Code.invalidField, "promisedLimit.days",
                "承诺时限 \(promisedLimit.days) 天超过法定时限 \(legalLimit.days) 天")
        }
        if kind == .promised && promisedLimit.days == 0 {
            throw r.error(
                ImportError.Code.invalidField, "promisedLimit.days",
                "承诺件的承诺时限至少为 1 天；当场办结的事项应为即办件（immediate）")
        }
        let preliminaryReviewLimit = try r.optionalTimeLimit("preliminaryReviewLimit")
        if preliminaryReviewLimit != nil && decideAt != .county {
            throw r.error(
                ImportError.Code.invalidField, "preliminaryReviewLimit",
                "初审时限只适用于由县级决定的事项（行政许可法第四十三条）")
        }
        let materials = try self.materials(r)
        let toleratedMissing = try r.bool("toleratedMissing")
        let supplementPausesClock = try r.bool("supplementPausesClock")
        let legalBasis = try r.optionalText("legalBasis")
        let level = try self.level(r)
        let fee = try self.fee(r)
        let serviceObject = try r.optionalEnumValue("serviceObject", ServiceObject.self)
        let acceptanceConditions = try r.optionalText("acceptanceConditions")
        let resultName = try r.optionalText("resultName")
        let jointHandling = r.optional("jointHandling") == nil ? false : try r.bool("jointHandling")
        var item = ServiceItem(
            code: code, implementationCode: implementationCode, name: name, type: type, version: version,
            kind: kind, acceptAt: acceptAt, decideAt: decideAt, legalLimit: legalLimit, promisedLimit: promisedLimit,
            preliminaryReviewLimit: preliminaryReviewLimit, materials: materials, toleratedMissing: toleratedMissing,
            supplementPausesClock: supplementPausesClock, legalBasis: legalBasis, level: level, fee: fee,
            serviceObject: serviceObject, acceptanceConditions: acceptanceConditions, resultName: resultName)
        item.jointHandling = jointHandling
        return item
    }

    /// An item code: non-empty, no white space, at most 50 characters (DOMAIN.md).
    private static func code(_ r: ImportReader, _ key: String) throws(ImportError) -> String {
        let code = try r.string(key)
        guard !code.isEmpty, code.count <= maxCodeLength, !code.contains(where: \.isWhitespace) else {
            throw r.error(
                ImportError.Code.invalidField, key,
                "编码“\(code)”无效：应非空、不含空格、不超过 \(maxCodeLength) 个字符")
        }
        return code
    }

    private static func roles(_ r: ImportReader) throws(ImportError) -> [Role] {
        let values = try r.array("acceptAt")
        guard !values.isEmpty else {
            throw r.error(
                ImportError.Code.invalidField, "acceptAt", "受理层级不能为空，可选值：county, township, village")
        }
        var roles: [Role] = []
        for (index, value) in values.enumerated() {
            let role = try r.enumValue("acceptAt[\(index)]", value, Role.self)
            guard !roles.contains(role) else {
                throw r.error(ImportError.Code.duplicate, "acceptAt[\(index)]", "受理层级“\(role.rawValue)”重复")
            }
            roles.append(role)
        }
        return roles
    }

    private static func materials(_ r: ImportReader) throws(ImportError) -> [Material] {
        var materials: [Material] = []
        for (index, value) in try r.array("materials").enumerated() {
            let reader = try ImportReader(value, path: r.path("materials[\(index)]"), item: r.item)
            let material = try Material.parse(reader)
            guard !materials.contains(where: { $0.id == material.id }) else {
                throw r.error(ImportError.Code.duplicate, "materials[\(index)].id", "材料标识“\(material.id)”重复")
            }
            materials.append(material)
        }
        return materials
    }

    private static func level(_ r: ImportReader) throws(ImportError) -> ExercisingLevel? {
        guard let n = try r.optionalInt("level") else { return nil }
        guard let level = ExercisingLevel(rawValue: n) else {
            throw r.error(
                ImportError.Code.unknownValue, "level",
                "无效的行使层级 \(n)，可选值：1 国家级、2 省级、3 市级、4 县级、5 乡镇（街道）级、6 村（社区）级、7 分级管理")
        }
        return level
    }

    private static func fee(_ r: ImportReader) throws(ImportError) -> Fee? {
        guard let f = try r.optionalObject("fee") else { return nil }
        try f.rejectUnknownKeys(["charged", "standard"])
        return Fee(charged: try f.bool("charged"), standard: try f.optionalText("standard"))
    }
}
