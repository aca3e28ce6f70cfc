/// Schema is the store's ordered, named migrations. A migration is never edited once released:
/// a change of schema is a new migration at the end.
enum Schema {
    static let migrator = Migrator([
        Migration("001_node_and_log", sql: """
            CREATE TABLE node (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                code TEXT NOT NULL,
                role TEXT NOT NULL,
                name TEXT NOT NULL,
                public_key BLOB NOT NULL,
                parent_url TEXT,
                listen TEXT,
                created_at INTEGER NOT NULL,
                hlc INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

            -- The append-only change log (DESIGN §5). lsn is this node's local position; the
            -- identity (origin, seq) is unique everywhere. source is the neighbour it came from
            -- (NULL when made here), so that nothing is echoed back.
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

            -- Routing keys, one row per party ('*' for changes every node receives), so that
            -- serving a child reads an index range instead of scanning the log.
            CREATE TABLE change_parties (party TEXT NOT NULL, lsn INTEGER NOT NULL, PRIMARY KEY (party, lsn)) WITHOUT ROWID;

            -- The head of each origin's hash chain as held here.
            CREATE TABLE origins (origin TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, last_hash BLOB NOT NULL);
            """),
        Migration("002_materialized_state", sql: """
            CREATE TABLE cases (
                number TEXT PRIMARY KEY,
                item_code TEXT NOT NULL,
                item_kind TEXT NOT NULL,
                status TEXT NOT NULL,
                acceptor TEXT NOT NULL,
                holder TEXT NOT NULL,
                decider TEXT NOT NULL,
                applicant_id TEXT NOT NULL,
                accepted_at INTEGER NOT NULL,
                accepted_on TEXT NOT NULL,
                completed_on TEXT,
                clock TEXT NOT NULL,
                state TEXT NOT NULL,
                state_hash BLOB NOT NULL,
                last_hlc INTEGER NOT NULL,
                last_origin TEXT NOT NULL,
                last_seq INTEGER NOT NULL
            );
            CREATE INDEX cases_by_status ON cases (status);
            CREATE INDEX cases_by_applicant ON cases (applicant_id, item_code);

            CREATE TABLE items (
                code TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                name TEXT NOT NULL,
                json TEXT NOT NULL,
                hlc INTEGER NOT NULL,
                origin TEXT NOT NULL
            );
            CREATE TABLE calendar_years (year INTEGER PRIMARY KEY, json TEXT NOT NULL, hlc INTEGER NOT NULL, origin TEXT NOT NULL);

            -- Changes the rules did not apply (DESIGN §6): kept in the log, shown to staff here.
            CREATE TABLE conflicts (
                id TEXT PRIMARY KEY,
                entity TEXT NOT NULL,
                rule TEXT NOT NULL,
                origin TEXT NOT NULL,
                seq INTEGER NOT NULL,
                kind TEXT NOT NULL,
                detail TEXT NOT NULL,
                resolver TEXT,
                created_hlc INTEGER NOT NULL
            );
            CREATE INDEX conflicts_by_entity ON conflicts (entity);

            CREATE TABLE case_counters (day TEXT PRIMARY KEY, next INTEGER NOT NULL);

            -- The node registry: every node's public key, so that any node can check any signature.
            CREATE TABLE nodes (
                code TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                name TEXT NOT NULL,
                public_key BLOB NOT NULL,
                revoked_hlc INTEGER,
                registered_hlc INTEGER NOT NULL
            );
            """),
        Migration("003_quarantine", sql: """
            -- Changes refused at the door (bad hash or signature, unknown or revoked origin, no
            -- authority, a fork, a clock far ahead): kept with the reason and the neighbour that
            -- sent them, never applied, reported back so that the sender's staff see them.
            CREATE TABLE quarantine (
                origin TEXT NOT NULL,
                seq INTEGER NOT NULL,
                hash BLOB NOT NULL,
                reason TEXT NOT NULL,
                message TEXT NOT NULL,
                wire TEXT NOT NULL,
                source TEXT,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (origin, seq, hash)
            );
            """),
        Migration("006_conflicts", sql: """
            -- Conflict records (DESIGN §6), derived from the log like the cases: one row per case a
            -- conflict is on (a possible duplicate is on two), the same id at every node holding its
            -- changes (SHA-256 of the rule and the sorted change ids). detail is the canonical JSON of
            -- the record; resolution the canonical JSON of the conflict.resolved change that settled it.
            DROP TABLE conflicts;
            CREATE TABLE conflicts (
                id TEXT NOT NULL,
                entity TEXT NOT NULL,
                rule TEXT NOT NULL,
                resolver TEXT NOT NULL,
                created_hlc INTEGER NOT NULL,
                detail TEXT NOT NULL,
                resolution TEXT,
                PRIMARY KEY (entity, id)
            ) WITHOUT ROWID;
            CREATE INDEX conflicts_by_id ON conflicts (id);
            -- The HLC of a case's acceptance: a late catalog publication re-checks only the cases
            -- accepted after it (item_version_at_acceptance).
            ALTER TABLE cases ADD COLUMN opened_hlc INTEGER;
            CREATE INDEX cases_by_item_opened ON cases (item_code, opened_hlc);
            -- Re-derived from the log when the node is next opened (NodeStore.open).
            INSERT OR REPLACE INTO settings (key, value) VALUES ('rebuild_conflicts', '1');
            """),
    ])
}
