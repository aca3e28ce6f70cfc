/// The canonical JSON of a case state written straight to bytes, without building the `json` tree
/// and sorting its keys: every batch that touches a case writes this text and hashes it, so it is
/// on the hot path of every hop. The bytes are exactly `json.canonicalBytes` (the keys below are
/// written in UTF-8 byte order by hand; a debug build checks each encoding against the tree, and
/// CaseStateCanonicalTests checks the rarer members). The rarely present members (documents,
/// files, supplement, pauses, evaluation…) are small and are still encoded from their trees.
extension CaseState {
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024 + timeline.count * 160)
        func key(_ name: StaticString, first: Bool = false) { JSONValue.appendKey(name, first: first, to: &out) }
        func text(_ value: String) { JSONValue.appendString(value, to: &out) }
        func texts(_ values: [String]) {
            out.append(0x5B)
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(0x2C) }
                text(value)
            }
            out.append(0x5D)
        }
        func tree(_ value: JSONValue?) { (value ?? .null).appendCanonical(to: &out) }
        func trees(_ values: [JSONValue]) { JSONValue.array(values).appendCanonical(to: &out) }

        key("acceptedAt", first: true); JSONValue.appendInteger(acceptedAt, to: &out)
        key("acceptedBy"); text(acceptedBy)
        key("acceptedOn"); text(acceptedOn.iso)
        key("acceptor"); text(acceptor)
        key("applicant"); applicant.appendCanonical(to: &out)
        if !attachments.isEmpty { key("attachments"); trees(attachments.map(\.json)) }
        key("collectAt"); text(collectAt)
        key("decider"); text(decider)
        key("decision"); tree(decision?.json)
        key("deliveredBy"); tree(delivery?.json)
        key("delivery")
        JSONValue.appendKey("mailAddress", first: true, to: &out); tree(.optional(deliveryPreference.mailAddress))
        JSONValue.appendKey("method", first: false, to: &out); text(deliveryPreference.method.rawValue)
        out.append(0x7D)
        key("documents"); trees(documents.map(\.json))
        key("evaluation"); tree(evaluation?.json)
        key("extension"); tree(timeExtension?.json)
        key("holder"); text(holder)
        key("item")
        JSONValue.appendKey("code", first: true, to: &out); text(item.code)
        JSONValue.appendKey("kind", first: false, to: &out); text(item.kind.rawValue)
        JSONValue.appendKey("name", first: false, to: &out); text(item.name)
        JSONValue.appendKey("version", first: false, to: &out); JSONValue.appendInteger(Int64(item.version), to: &out)
        out.append(0x7D)
        key("materials"); texts(materials.sorted())
        key("negatives"); trees(negatives.map(\.json))
        key("number"); text(number)
        key("parties"); texts(parties)
        key("pauses"); trees(pauses.map(\.json))
        key("queryCode"); text(queryCode)
        key("refusalReasons"); texts(refusalReasons)
        key("rehandlings"); trees(rehandlings.map(\.json))
        key("renumberedFrom"); tree(.optional(renumberedFrom))
        key("result"); tree(result?.json)
        key("state"); text(status.rawValue)
        key("supplement"); tree(supplement?.json)
        key("supplementRounds"); JSONValue.appendInteger(Int64(supplementRounds), to: &out)
        key("timeline")
        out.append(0x5B)
        for (index, step) in timeline.enumerated() {
            if index > 0 { out.append(0x2C) }
            step.appendCanonical(to: &out)
        }
        out.append(0x5D)
        key("toleratedMissing"); texts(toleratedMissing)
        key("withdrawal"); tree(withdrawal?.json)
        out.append(0x7D)
        assert(out == json.canonicalBytes, "CaseState.canonicalBytes differs from the canonical text of CaseState.json")
        return out
    }
}

extension Applicant {
    func appendCanonical(to out: inout [UInt8]) {
        JSONValue.appendKey("address", first: true, to: &out); JSONValue.optional(address).appendCanonical(to: &out)
        JSONValue.appendKey("idNumber", first: false, to: &out); JSONValue.appendString(idNumber, to: &out)
        JSONValue.appendKey("idType", first: false, to: &out); JSONValue.appendString(idType.rawValue, to: &out)
        JSONValue.appendKey("name", first: false, to: &out); JSONValue.appendString(name, to: &out)
        JSONValue.appendKey("phone", first: false, to: &out); JSONValue.appendString(phone, to: &out)
        out.append(0x7D)
    }
}

extension Step {
    func appendCanonical(to out: inout [UInt8]) {
        JSONValue.appendKey("actor", first: true, to: &out); JSONValue.appendString(actor, to: &out)
        JSONValue.appendKey("kind", first: false, to: &out); JSONValue.appendString(kind, to: &out)
        JSONValue.appendKey("origin", first: false, to: &out); JSONValue.appendString(origin, to: &out)
        JSONValue.appendKey("seq", first: false, to: &out); JSONValue.appendInteger(seq, to: &out)
        JSONValue.appendKey("summary", first: false, to: &out); JSONValue.appendString(summary, to: &out)
        JSONValue.appendKey("wall", first: false, to: &out); JSONValue.appendInteger(wall, to: &out)
        out.append(0x7D)
    }
}
