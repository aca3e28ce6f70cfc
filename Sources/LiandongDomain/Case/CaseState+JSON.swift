/// The canonical JSON of a case state: what the state hash covers, what `case show --json` prints
/// and what the store keeps. Sets are sorted and absent values are null, so equal states encode equally.
extension CaseState {
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "number": .string(number),
            "queryCode": .string(queryCode),
            "item": ["code": .string(item.code), "name": .string(item.name), "version": .int(Int64(item.version)), "kind": .string(item.kind.rawValue)],
            "applicant": applicant.json,
            "state": .string(status.rawValue),
            "acceptor": .string(acceptor),
            "acceptedBy": .string(acceptedBy),
            "acceptedAt": .int(acceptedAt),
            "acceptedOn": .string(acceptedOn.iso),
            "decider": .string(decider),
            "holder": .string(holder),
            "collectAt": .string(collectAt),
            "delivery": ["method": .string(deliveryPreference.method.rawValue), "mailAddress": .optional(deliveryPreference.mailAddress)],
            "parties": .strings(parties),
            "materials": .strings(materials.sorted()),
            "toleratedMissing": .strings(toleratedMissing),
            "refusalReasons": .strings(refusalReasons),
            "supplement": supplement.map(\.json) ?? .null,
            "supplementRounds": .int(Int64(supplementRounds)),
            "pauses": .array(pauses.map(\.json)),
            "extension": timeExtension.map(\.json) ?? .null,
            "decision": decision.map(\.json) ?? .null,
            "result": result.map(\.json) ?? .null,
            "deliveredBy": delivery.map(\.json) ?? .null,
            "evaluation": evaluation.map(\.json) ?? .null,
            "withdrawal": withdrawal.map(\.json) ?? .null,
            "timeline": .array(timeline.map(\.json)),
            "documents": .array(documents.map(\.json)),
            "negatives": .array(negatives.map(\.json)),
            "rehandlings": .array(rehandlings.map(\.json)),
            "renumberedFrom": .optional(renumberedFrom),
        ]
        // Only when there are some: the states (and state hashes) of cases without files stay as they were.
        if !attachments.isEmpty { fields["attachments"] = .array(attachments.map(\.json)) }
        return .object(fields)
    }
}

extension NegativeRecord {
    public var json: JSONValue {
        ["kind": .string(kind.rawValue), "by": .string(by), "actor": .string(actor), "on": .string(on.iso), "reasons": .strings(reasons),
         "documentNumber": .optional(documentNumber)]
    }
}

extension Rehandling {
    public var json: JSONValue {
        ["reason": .string(reason), "by": .string(by), "actor": .string(actor), "on": .string(on.iso), "at": .string(at), "from": .string(from.rawValue)]
    }
}

extension SupplementRequest {
    var json: JSONValue {
        ["requestedBy": .string(requestedBy), "requestedOn": .string(requestedOn.iso), "materials": .strings(materials),
         "received": .strings(received), "note": .optional(note), "resumeState": .string(resumeStatus.rawValue), "pausesClock": .bool(pausesClock)]
    }
}

extension ClockPauseRecord {
    var json: JSONValue {
        ["reason": .string(reason.rawValue), "procedure": .optional(procedure), "note": .optional(note),
         "from": .string(from.iso), "to": .optional(to?.iso)]
    }
}

extension Extension {
    var json: JSONValue {
        ["workingDays": .int(Int64(workingDays)), "reason": .string(reason), "by": .string(by), "on": .string(on.iso)]
    }
}

extension Decision {
    var json: JSONValue {
        ["approved": .bool(approved), "by": .string(by), "actor": .string(actor), "on": .string(on.iso),
         "opinion": .optional(opinion), "reasons": .strings(reasons)]
    }
}

extension ResultDocument {
    var json: JSONValue {
        ["name": .string(name), "number": .optional(number), "validUntil": .optional(validUntil?.iso),
         "issuedBy": .string(issuedBy), "issuedOn": .string(issuedOn.iso)]
    }
}

extension Delivery {
    var json: JSONValue {
        ["method": .string(method.rawValue), "trackingNumber": .optional(trackingNumber), "by": .string(by), "on": .string(on.iso)]
    }
}

extension Withdrawal {
    var json: JSONValue { ["reason": .string(reason), "by": .string(by), "on": .string(on.iso)] }
}

extension Evaluation {
    var json: JSONValue {
        ["level": .int(Int64(level.rawValue)), "levelName": .string(level.chineseName), "comment": .optional(comment),
         "on": .string(on.iso), "default": .bool(isDefault), "followUp": followUp.map(\.json) ?? .null]
    }
}

extension FollowUp {
    var json: JSONValue {
        ["openedOn": .string(openedOn.iso), "workingDays": .int(Int64(workingDays)), "closedOn": .optional(closedOn?.iso),
         "result": .optional(result)]
    }
}

extension Step {
    var json: JSONValue {
        ["kind": .string(kind), "origin": .string(origin), "seq": .int(seq), "actor": .string(actor), "wall": .int(wall),
         "summary": .string(summary)]
    }
}
