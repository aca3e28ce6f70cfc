import LiandongDomain

extension NodeStore {
    /// Writes a case's refusals and denials (否定备案) as its state lists them, replacing what was there.
    func writeNegativeFilings(_ state: CaseState, db: Database) throws {
        let delete = try db.cachedStatement("DELETE FROM negative_filings WHERE number = ?")
        try delete.bind(state.number, at: 1)
        try delete.run()
        guard !state.negatives.isEmpty else { return }
        let insert = try db.cachedStatement("""
            INSERT INTO negative_filings (number, idx, kind, node, item_code, on_day, body) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, record) in state.negatives.enumerated() {
            // Refusals/denials and orders to handle again alternate (an order reopens only a refused
            // or denied case), so the order that followed the n-th one is the n-th order.
            let rehandling = index < state.rehandlings.count ? state.rehandlings[index] : nil
            let body: JSONValue = [
                "number": .string(state.number), "kind": .string(record.kind.rawValue),
                "kindName": .string(record.kind == .refusal ? "不予受理" : "不予许可"),
                "node": .string(record.by), "actor": .string(record.actor), "on": .string(record.on.iso), "reasons": .strings(record.reasons),
                "documentNumber": .optional(record.documentNumber),
                "item": ["code": .string(state.item.code), "name": .string(state.item.name)],
                "applicant": .string(Masking.name(state.applicant.name)),
                "acceptor": .string(state.acceptor), "state": .string(state.status.rawValue), "stateName": .string(state.status.chineseName),
                "rehandling": rehandling?.json ?? .null,
            ]
            try insert.bind(state.number, at: 1)
            try insert.bind(Int64(index), at: 2)
            try insert.bind(record.kind.rawValue, at: 3)
            try insert.bind(record.by, at: 4)
            try insert.bind(state.item.code, at: 5)
            try insert.bind(record.on.iso, at: 6)
            try insert.bind(body.canonicalString, at: 7)
            try insert.run()
        }
    }

    /// The refusals and denials of the cases held here (否定备案), newest first: at the county, its
    /// whole subtree's. `node` keeps those made in that node's subtree; `from`/`to` bound the day.
    public func negativeFilings(_ filter: NoticeFilter = NoticeFilter()) throws -> [JSONValue] {
        let (whereClause, args) = try filter.sqlWhere(nodeColumn: "node", dayColumn: "on_day")
        return try db.query("SELECT body FROM negative_filings \(whereClause) ORDER BY on_day DESC, number DESC, idx DESC", args).compactMap { row in
            row.text("body").flatMap { try? JSONParser.parse($0) }
        }
    }
}
