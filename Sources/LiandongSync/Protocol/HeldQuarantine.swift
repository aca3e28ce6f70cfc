import LiandongDomain

extension HeldQuarantine {
    /// The optional `held` list of a hello.
    static func list(_ reader: MessageReader) throws(SyncError) -> [HeldQuarantine] {
        guard reader.fields["held"] != nil else { return [] }
        let items = try reader.array("held")
        guard items.count <= maxLines else { throw SyncError.invalid("held", "最多 \(maxLines) 条") }
        var lines: [HeldQuarantine] = []
        for (index, item) in items.enumerated() {
            guard let fields = item.objectValue else { throw SyncError.invalid("held[\(index)]", "应为对象") }
            let entry = MessageReader(fields: fields, prefix: "held[\(index)]")
            lines.append(HeldQuarantine(holder: try entry.nodeCode("holder"), origin: try entry.nodeCode("origin"),
                                        count: try entry.int("count", in: 1...JSONParser.maxSafeInteger)))
        }
        return lines
    }
}
