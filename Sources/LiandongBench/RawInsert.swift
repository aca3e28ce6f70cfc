import LiandongStore

/// LogRow is one stored change exactly as the real path wrote it: the raw baseline inserts the same bytes.
struct LogRow {
    var origin: String
    var seq: Int64
    var hlc: Int64
    var wall: Int64
    var actor: String
    var entity: String
    var kind: String
    var payload: String
    var parties: String
    var prev: [UInt8]
    var hash: [UInt8]
    var sig: [UInt8]
    var storedAt: Int64

    /// Every row of `db`'s changes table after `lsn`, in lsn order.
    static func read(from db: Database, afterLSN lsn: Int64) throws -> [LogRow] {
        let statement = try db.prepare("""
            SELECT origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig, stored_at
            FROM changes WHERE lsn > ? ORDER BY lsn
            """)
        try statement.bind(lsn, at: 1)
        var rows: [LogRow] = []
        while try statement.step() {
            rows.append(LogRow(
                origin: statement.text(0), seq: statement.int64(1), hlc: statement.int64(2), wall: statement.int64(3),
                actor: statement.text(4), entity: statement.text(5), kind: statement.text(6), payload: statement.text(7),
                parties: statement.text(8), prev: statement.blob(9), hash: statement.blob(10), sig: statement.blob(11),
                storedAt: statement.int64(12)))
        }
        return rows
    }
}

/// RawInsert is the baseline: the same rows into an identical changes table (same DDL and index,
/// same connection settings: WAL, synchronous FULL), one prepared statement, nothing else.
enum RawInsert {
    /// The changes table and its index as in migration 001_node_and_log.
    static let schema = """
        CREATE TABLE changes (
            lsn INTEGER PRIMARY KEY,
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            wall INTEGER NOT NULL,
            actor TEXT NOT NULL,
            entity TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            parties TEXT NOT NULL,
            prev BLOB NOT NULL,
            hash BLOB NOT NULL,
            sig BLOB NOT NULL,
            source TEXT,
            stored_at INTEGER NOT NULL,
            UNIQUE (origin, seq)
        );
        CREATE INDEX changes_by_entity ON changes (entity);
        """

    /// Inserts `rows` into a new database at `path`, `batch` rows per transaction; returns the seconds.
    static func run(_ rows: [LogRow], batch: Int, path: String) throws -> Double {
        let db = try Database(path: path)
        try db.execute(schema)
        return try insert(rows, batch: batch, into: db)
    }

    /// Inserts `rows` into `db`'s changes table (which may already hold rows), `batch` per transaction.
    static func insert(_ rows: [LogRow], batch: Int, into db: Database) throws -> Double {
        let insert = try db.prepare("""
            INSERT INTO changes (origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig, source, stored_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
            """)
        var elapsed: Duration = .zero
        let clock = ContinuousClock()
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + batch, rows.count)]
            elapsed += try clock.measure {
                try db.write { _ in
                    for row in chunk {
                        try insert.bind(row.origin, at: 1)
                        try insert.bind(row.seq, at: 2)
                        try insert.bind(row.hlc, at: 3)
                        try insert.bind(row.wall, at: 4)
                        try insert.bind(row.actor, at: 5)
                        try insert.bind(row.entity, at: 6)
                        try insert.bind(row.kind, at: 7)
                        try insert.bind(row.payload, at: 8)
                        try insert.bind(row.parties, at: 9)
                        try insert.bind(row.prev, at: 10)
                        try insert.bind(row.hash, at: 11)
                        try insert.bind(row.sig, at: 12)
                        try insert.bind(row.storedAt, at: 13)
                        try insert.run()
                    }
                }
            }
            start += chunk.count
        }
        return elapsed.seconds
    }
}
