/// One-call helpers over cached statements: run, query, stream rows, read one integer.
extension Database {
    /// Runs one statement with arguments, ignoring any rows.
    public func run(_ sql: String, _ args: SQLValue...) throws {
        try run(sql, args)
    }

    public func run(_ sql: String, _ args: [SQLValue]) throws {
        try withStatement(sql) { statement in
            try statement.bind(args)
            while try statement.step() {}
        }
    }

    /// All rows of one statement.
    public func query(_ sql: String, _ args: [SQLValue] = []) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(sql, args) { rows.append($0) }
        return rows
    }

    /// Streams rows to body without collecting them; body may run other queries on this connection.
    public func forEachRow(_ sql: String, _ args: [SQLValue] = [], body: (Row) throws -> Void) throws {
        try withStatement(sql) { statement in
            try statement.bind(args)
            var names: [String]?
            while try statement.step() {
                // Read once per run, after the first step, when a re-prepare has already happened.
                let columnNames = names ?? statement.columnNames
                names = columnNames
                try body(statement.row(columnNames: columnNames))
            }
        }
    }

    /// The first column of the first row: nil for no row or NULL; a non-integer is a mismatch error.
    public func scalarInt(_ sql: String, _ args: [SQLValue] = []) throws -> Int64? {
        try withStatement(sql) { statement in
            try statement.bind(args)
            guard try statement.step() else { return nil }
            switch statement.value(0) {
            case .null: return nil
            case .integer(let value): return value
            case let other:
                throw SQLiteError(extendedCode: .mismatch, message: "expected an integer, got \(other)", sql: sql)
            }
        }
    }
}
