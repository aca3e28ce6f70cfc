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
        Migration("004_sync", sql: """
            -- Routing positions (DESIGN §7): one row per change and party, appended in order. A party
            -- that joins a case later gets rows for the case's whole history at new positions, so
            -- that a child whose cursor is past them still receives them. '*' is every node.
            CREATE TABLE routes (pos INTEGER PRIMARY KEY, party TEXT NOT NULL, lsn INTEGER NOT NULL);
            CREATE INDEX routes_by_party ON routes (party, pos);
            CREATE INDEX routes_by_lsn ON routes (lsn);
            INSERT INTO routes (party, lsn) SELECT party, lsn FROM change_parties ORDER BY lsn, party;

            -- The neighbours this node syncs with: its children (as seen by this parent) and its
            -- parent (as seen by this child: acked_pos is then the pull cursor).
            CREATE TABLE peers (
                code TEXT PRIMARY KEY,
                relation TEXT NOT NULL CHECK (relation IN ('child', 'parent')),
                last_contact INTEGER,
                acked_pos INTEGER NOT NULL DEFAULT 0,
                epoch TEXT,
                last_error TEXT,
                last_error_at INTEGER,
                protocol INTEGER,
                address TEXT
            );
            -- What the parent holds per origin, as this child last saw it (hello and push answers).
            CREATE TABLE peer_heads (
                peer TEXT NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL, seen_at INTEGER NOT NULL,
                PRIMARY KEY (peer, origin)
            ) WITHOUT ROWID;
            -- Request nonces seen from each child within the replay window.
            CREATE TABLE request_nonces (node TEXT NOT NULL, nonce TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (node, nonce)) WITHOUT ROWID;
            CREATE INDEX request_nonces_by_time ON request_nonces (at);
            -- Quarantine reports about this node's subtree received from the parent, shown in status.
            CREATE TABLE sync_reports (
                origin TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (origin, seq, hash)
            );
            -- The epoch names this copy of the log; restore makes a new one, so children reset their cursors.
            INSERT OR IGNORE INTO settings (key, value) VALUES ('epoch', lower(hex(randomblob(16))));
            """),
        Migration("005_enrollment", sql: """
            -- One-time enrollment tokens (加入口令) made by `node add`: only the SHA-256 of the token
            -- is kept, one per child code; a new `node add` for the code replaces an unused token.
            CREATE TABLE enrollment_tokens (
                code TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                name TEXT NOT NULL,
                token_hash BLOB NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at INTEGER
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
        Migration("007_rebase", sql: """
            -- Case numbers a restored node changed while it took back its own lost changes
            -- (DESIGN §7, truth over cursors): the old number was already on a receipt, so staff
            -- must tell the applicant the new one.
            CREATE TABLE rebase_log (
                id INTEGER PRIMARY KEY,
                old_number TEXT NOT NULL,
                new_number TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            -- Changes made after a restore that the rules refused once the lost changes were back
            -- (a step taken twice): not signed again, kept here for staff with the reason.
            CREATE TABLE rebase_set_aside (
                id INTEGER PRIMARY KEY,
                old_seq INTEGER NOT NULL,
                entity TEXT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                payload TEXT NOT NULL,
                wall INTEGER NOT NULL,
                reason TEXT NOT NULL,
                message TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            -- Every number this node issued is spent: the counter stands past the highest one the log holds.
            INSERT INTO case_counters (day, next)
                SELECT substr(entity, instr(entity, '-') + 1, 8), max(CAST(substr(entity, instr(entity, '-') + 10) AS INTEGER)) + 1
                FROM changes
                WHERE kind IN ('case.accepted', 'case.refused') AND entity LIKE (SELECT code FROM node WHERE id = 1) || '-%'
                GROUP BY 1
                ON CONFLICT (day) DO UPDATE SET next = max(next, excluded.next);
            """),
        // `routes` (004) serves every read the per-party routing keys of 001 served, and more:
        // the old table was still written for every change and party and never read.
        Migration("008_routes_only", sql: """
            DROP TABLE change_parties;
            """),
        Migration("009_duplicates", sql: """
            -- possible_duplicate re-checks only the cases of an applicant and item whose open spans can
            -- overlap the cases a batch changed: closed_hlc is the HLC of the change that closed a case
            -- (decision, withdrawal), NULL while it is open, written with its duplicate records. The
            -- index answers "open, or closed after this opening" without reading the group's rows.
            ALTER TABLE cases ADD COLUMN closed_hlc INTEGER;
            DROP INDEX cases_by_applicant;
            CREATE INDEX cases_by_applicant_closed ON cases (applicant_id, item_code, closed_hlc, opened_hlc);
            -- The resolutions naming a conflict: a possible duplicate's may be on any case of its group.
            CREATE INDEX changes_by_resolved_conflict ON changes (json_extract(payload, '$.conflict')) WHERE kind = 'conflict.resolved';
            -- closed_hlc is filled from the log when the node is next opened (NodeStore.open).
            INSERT OR REPLACE INTO settings (key, value) VALUES ('rebuild_conflicts', '1');
            """),
        // A count of every insert into and delete from the log, by any connection: a store whose
        // data_version moved learns from it whether the log changed (its case histories are stale)
        // or only bookkeeping did (a sync lane's heads and cursors), and keeps its cache then.
        Migration("010_log_generation", sql: """
            INSERT INTO settings (key, value) VALUES ('log_generation', '0') ON CONFLICT (key) DO NOTHING;
            CREATE TRIGGER log_generation_on_insert AFTER INSERT ON changes BEGIN
                UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'log_generation';
            END;
            CREATE TRIGGER log_generation_on_delete AFTER DELETE ON changes BEGIN
                UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'log_generation';
            END;
            """),
        // The workbench's staff accounts and sessions: local to this node, never in the change log
        // (a village's agent has no account at the county). Passwords are PBKDF2-HMAC-SHA256 with
        // a per-account salt; session tokens are stored as SHA-256 hashes only.
        Migration("011_staff", sql: """
            CREATE TABLE staff (
                login TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                roles TEXT NOT NULL,
                salt BLOB NOT NULL,
                password_hash BLOB NOT NULL,
                iterations INTEGER NOT NULL,
                must_change INTEGER NOT NULL DEFAULT 0,
                disabled INTEGER NOT NULL DEFAULT 0,
                failures INTEGER NOT NULL DEFAULT 0,
                locked_until INTEGER,
                totp_secret TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE staff_sessions (
                token_hash BLOB PRIMARY KEY,
                login TEXT NOT NULL REFERENCES staff (login),
                csrf TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                last_seen INTEGER NOT NULL,
                ended_at INTEGER
            );
            CREATE INDEX staff_sessions_by_login ON staff_sessions (login);
            -- One accept form, one case: the form's idempotency token and the case it made.
            CREATE TABLE form_tokens (token TEXT PRIMARY KEY, case_number TEXT NOT NULL, created_at INTEGER NOT NULL);
            """),
        // The audit trail (安全审计): append-only and hash-chained; rows younger than 180 days cannot
        // be deleted and no row can be changed, whoever asks (the administrator has no way around it).
        Migration("012_audit_trail", sql: """
            CREATE TABLE audit_trail (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                staff TEXT NOT NULL,
                node TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE INDEX audit_trail_by_staff ON audit_trail (staff, id);
            CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail BEGIN
                SELECT RAISE(ABORT, 'audit_trail is append-only');
            END;
            CREATE TRIGGER audit_trail_keep_180_days BEFORE DELETE ON audit_trail
                WHEN old.at > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 15552000000 BEGIN
                SELECT RAISE(ABORT, 'audit_trail rows younger than 180 days are kept');
            END;
            """),
        // Document numbers (文号) and one-time notices (一次性告知, 行政许可法 art. 32): issue 10.
        Migration("015_documents", sql: """
            -- The next number of each of this node's document series per year. A counter only
            -- grows: every number a change of this node carries is spent (noteDocumentNumberIssued).
            CREATE TABLE document_counters (
                series TEXT NOT NULL,
                year INTEGER NOT NULL,
                next INTEGER NOT NULL,
                PRIMARY KEY (series, year)
            );
            -- One-time notices held here (this node's and its subtree's), derived from the log.
            CREATE TABLE notices (
                number TEXT PRIMARY KEY,
                lsn INTEGER,
                origin TEXT NOT NULL,
                item_code TEXT NOT NULL,
                applicant_id TEXT NOT NULL,
                issued_on TEXT NOT NULL,
                wall INTEGER NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX notices_by_origin ON notices (origin, issued_on);
            """),
        Migration("016_negative_filings", sql: """
            -- 否定备案: every refusal and denial of a case held here, derived from its state
            -- (CaseState.negatives) whenever the case row is written; kept when the case is handled again.
            CREATE TABLE negative_filings (
                number TEXT NOT NULL,
                idx INTEGER NOT NULL,
                kind TEXT NOT NULL,
                node TEXT NOT NULL,
                item_code TEXT NOT NULL,
                on_day TEXT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (number, idx)
            );
            CREATE INDEX negative_filings_by_node ON negative_filings (node, on_day);
            -- Cases already held are written again when the node is next opened (NodeStore.open).
            INSERT OR REPLACE INTO settings (key, value) VALUES ('rebuild_conflicts', '1');
            """),
        Migration("017_county_settings", sql: """
            -- The county's replicated settings (好差评: default rating, follow-up days), one row per
            -- setting kind; the newest by (hlc, origin) wins, as for calendar years.
            CREATE TABLE county_settings (kind TEXT PRIMARY KEY, json TEXT NOT NULL, hlc INTEGER NOT NULL, origin TEXT NOT NULL);
            """),
        Migration("018_renumbered_cases", sql: """
            -- A case renumbered by a restore rebase names its old number (state renumberedFrom): the
            -- public query finds it from the applicant's receipt at any node.
            CREATE INDEX cases_by_renumbered_from ON cases (json_extract(state, '$.renumberedFrom'))
                WHERE json_extract(state, '$.renumberedFrom') IS NOT NULL;
            """),
        // Restore heal (DESIGN §7; NodeStore+Heal.swift): what each child reported, in its hello
        // since the last restore, of this node's own chain (its head seq and hash).
        Migration("020_restore_heal", sql: """
            CREATE TABLE heal_reports (
                child TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                hash BLOB NOT NULL,
                reported_at INTEGER NOT NULL
            );
            """),
        // Clock safety (DESIGN §6; NodeStore+Clock.swift): the parent's time at the last exchange
        // with the monotonic clock of that moment; every node's clock offset as measured by its
        // parent (reported up the tree); own changes stamped again after a wrong clock; and the
        // clock_skew quarantine rows that a re-stamped copy settled.
        Migration("021_clock_safety", sql: """
            CREATE TABLE parent_clock (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                parent_time INTEGER NOT NULL,
                local_time INTEGER NOT NULL,
                boot TEXT NOT NULL,
                monotonic INTEGER NOT NULL
            );
            CREATE TABLE node_clocks (
                code TEXT PRIMARY KEY,
                offset_ms INTEGER NOT NULL,
                measured_by TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            CREATE TABLE clock_restamps (
                id INTEGER PRIMARY KEY,
                old_seq INTEGER NOT NULL,
                new_seq INTEGER NOT NULL,
                entity TEXT NOT NULL,
                kind TEXT NOT NULL,
                old_hlc INTEGER NOT NULL,
                new_hlc INTEGER NOT NULL,
                at INTEGER NOT NULL
            );
            CREATE TABLE clock_resolutions (
                origin TEXT NOT NULL,
                seq INTEGER NOT NULL,
                old_hash BLOB NOT NULL,
                new_hash BLOB NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (origin, seq, old_hash)
            );
            """),
        // The quarantine held below this node, as its children report it in their hellos (NodeStore+HeldQuarantine).
        Migration("022_held_quarantine", sql: """
            CREATE TABLE held_quarantine (
                holder TEXT NOT NULL,
                origin TEXT NOT NULL,
                count INTEGER NOT NULL,
                reported_by TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (holder, origin)
            );
            CREATE INDEX held_quarantine_by_reporter ON held_quarantine (reported_by);
            """),
        // The TLS pins each node announced (`node.certificate`, NodeStore+CertificatePins): the latest by HLC.
        Migration("023_certificate_pins", sql: """
            CREATE TABLE certificate_pins (
                code TEXT PRIMARY KEY,
                pins TEXT NOT NULL,
                hlc INTEGER NOT NULL
            );
            """),
        // possible_duplicate per set, not per pair (issue 11; PossibleDuplicates): a set of cases of an
        // applicant and item open at once is one record, kept once in `conflicts` (on its first case)
        // and named on each of its cases here. The pair records are re-derived as sets.
        Migration("030_duplicate_sets", sql: """
            CREATE TABLE conflict_cases (
                entity TEXT NOT NULL,
                id TEXT NOT NULL,
                PRIMARY KEY (entity, id)
            ) WITHOUT ROWID;
            CREATE INDEX conflict_cases_by_id ON conflict_cases (id);
            -- The cases of a group opening in a stretch of the order: a set growing to the right.
            CREATE INDEX cases_by_applicant_opened ON cases (applicant_id, item_code, opened_hlc);
            -- A resolution settles the set it names on the set's own cases: no lookup by conflict id.
            DROP INDEX IF EXISTS changes_by_resolved_conflict;
            DELETE FROM conflicts WHERE rule = 'possible_duplicate';
            INSERT OR REPLACE INTO settings (key, value) VALUES ('rebuild_conflicts', '1');
            """),
        // The blob lane (issue 12, Protocol/blobs.md): files this node has seen its parent hold
        // whole (not asked about again), and files whose transfer keeps failing or waiting, with
        // the reason and when to try next (status reports them with their case).
        Migration("040_blob_lane", sql: """
            CREATE TABLE blob_exchanged (
                sha256 TEXT NOT NULL,
                parent TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (sha256, parent)
            );
            CREATE TABLE blob_transfers (
                sha256 TEXT PRIMARY KEY,
                number TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                failed INTEGER NOT NULL,
                next_at INTEGER NOT NULL,
                reason TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            """),
        // Key history per node code (issue 13 item 5, node.rekeyed): from from_seq on, the code's
        // changes are signed with public_key. A row the enroll answer trusted directly has hlc 0 and
        // origin '' until the change itself arrives. The registered key (nodes.public_key) signs from 1.
        // A re-enrolment token (node rekey) carries its reason and who made it.
        Migration("050_key_history", sql: """
            CREATE TABLE node_rekeys (
                code TEXT NOT NULL,
                from_seq INTEGER NOT NULL,
                public_key BLOB NOT NULL,
                reason TEXT NOT NULL,
                origin TEXT NOT NULL,
                actor TEXT NOT NULL,
                hlc INTEGER NOT NULL,
                PRIMARY KEY (code, from_seq)
            );
            ALTER TABLE enrollment_tokens ADD COLUMN rekey_reason TEXT;
            ALTER TABLE enrollment_tokens ADD COLUMN actor TEXT;
            """),
        // The figures of every case, written with the case (CaseStatistics.kept): 统计 adds them up
        // in SQL instead of reading every case's state. An open case counts as overdue after
        // overdue_after; a case whose clock is paused now has no row and is counted live.
        Migration("060_case_figures", sql: """
            CREATE TABLE case_figures (
                number TEXT PRIMARY KEY,
                acceptor TEXT NOT NULL,
                item_code TEXT NOT NULL,
                item_name TEXT NOT NULL,
                accepted_on TEXT NOT NULL,
                overdue_after TEXT,
                cases INTEGER NOT NULL,
                completed INTEGER NOT NULL,
                completed_on_time INTEGER NOT NULL,
                completed_early INTEGER NOT NULL,
                immediate INTEGER NOT NULL,
                working_days_total INTEGER NOT NULL,
                with_supplement INTEGER NOT NULL,
                evaluated INTEGER NOT NULL,
                satisfied INTEGER NOT NULL,
                overdue_open INTEGER NOT NULL,
                refused INTEGER NOT NULL,
                denied INTEGER NOT NULL,
                one_time_notices INTEGER NOT NULL,
                follow_ups INTEGER NOT NULL,
                follow_ups_closed_on_time INTEGER NOT NULL
            );
            CREATE INDEX case_figures_by_day ON case_figures (accepted_on);
            INSERT OR REPLACE INTO settings (key, value) VALUES ('rebuild_case_figures', '1');
            """),
    ])
}
