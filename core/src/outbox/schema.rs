//! The outbox's layout and its migrations, for both backends side by side.
//!
//! Each [`Migration`] gives the same change in SQLite's words and in MySQL's (InnoDB,
//! utf8mb4 with a binary collation, so that keys compare as SQLite compares them); a later
//! version appends one migration with both. On SQLite `PRAGMA user_version` holds the
//! number of migrations applied; on MySQL the `schema_version` row of the `{meta}` table does
//! (see `db/mysql.rs`), so both backends of one build have the same schema version.
//!
//! SQLite: Opening a file applies the
//! missing ones in order, each in its own `BEGIN IMMEDIATE` transaction together with the
//! version bump, so processes that open a new file at the same moment migrate it once. A
//! later version of the extension appends to [`MIGRATIONS`]; a file whose version is higher
//! than this build knows is refused before anything is written to it. `PRAGMA
//! application_id` marks the file as an outbox, so a database of some other application is
//! refused rather than extended.

use rusqlite::{Connection, TransactionBehavior};

/// One step of the schema, for each backend.
pub(super) struct Migration {
    /// The statements on SQLite.
    pub(super) sqlite: &'static str,
    /// The statements on MySQL/MariaDB (`;`-separated; tables named in braces, see
    /// `db/mod.rs`).
    pub(super) mysql: &'static str,
}

use super::error::Failure;

/// `PRAGMA application_id` of an outbox file ("MROB").
const APPLICATION_ID: i64 = 0x4d52_4f42;

/// The migrations, in order; the file's `user_version` counts those applied.
///
/// Version 1:
/// - `records`: one outgoing change each. `next_attempt_at` is NULL while an earlier record
///   of the same entity key is undelivered (the record waits its turn, see `keys.rs`), and
///   is pushed to `lease_until` while a worker holds the record. `lease_gen` counts the
///   leases granted: it is the fencing token that keeps a worker whose lease ran out from
///   acknowledging over its successor. Times are Unix milliseconds; JSON columns are text.
/// - `record_deps`: the entity keys a record waits for.
/// - `activity`: one row with the last success and the last error, kept when records are
///   purged.
/// - `rate_limits`: the token buckets shared by every process using the file.
///
/// Version 2: `unmapped`, the shop references changes went without (no CRM code).
///
/// Version 3: `order_ids`, the CRM `externalId` each site order was given (see
/// `order_ids.rs`).
///
/// Version 4: `records.crm_url`, `crm_site` and `crm_key`, the CRM a record was queued for
/// (its address and the site code) and a fingerprint of the API key it was queued with (see
/// `destination.rs`; NULL on records queued before: any flush of the file delivers them);
/// `breakers`, the circuit breaker of each CRM (see `breaker.rs`).
///
/// Version 5: `inbound_state`, named values of the CRM → site direction (the history cursor,
/// the last webhook call and its verdict…) with the time each was set (see
/// `inbound_state.rs`).
///
/// Version 6: `history_entries`, the CRM's status changes read from `orders/history` that
/// concern the site, each kept until the site confirmed it (`applied`), it was `skipped` (the
/// site's own, or older than the site's later change) or `set_aside` with its reason (see
/// `history_entries.rs`).
///
/// Version 7: `records_key` on SQLite, every record's entity key whatever its state, so that
/// [`Outbox::enqueue_once`](super::Outbox::enqueue_once) finds a delivered record of the key
/// without reading every record (`records_key_open` leaves delivered ones out). MySQL has had
/// that index since version 1 (`records_key_open` there covers every state): nothing to do.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration {
        sqlite: "
    CREATE TABLE records (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT    NOT NULL,
        entity_key      TEXT    NOT NULL,
        payload         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        state           TEXT    NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        lease_owner     TEXT,
        lease_until     INTEGER,
        lease_gen       INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        error_details   TEXT,
        last_error_at   INTEGER,
        delivered_at    INTEGER,
        result          TEXT
    );
    CREATE TABLE record_deps (
        record_id  INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        entity_key TEXT    NOT NULL,
        PRIMARY KEY (record_id, entity_key)
    ) WITHOUT ROWID;
    -- claim: due records, soonest first
    CREATE INDEX records_due ON records (next_attempt_at, id) WHERE state = 'pending';
    -- per-key order and dependencies: the undelivered records of a key
    CREATE INDEX records_key_open ON records (entity_key, id) WHERE state <> 'delivered';
    -- status counts, oldest pending, dead letters, retry of all dead
    CREATE INDEX records_state ON records (state, id);
    -- purge
    CREATE INDEX records_delivered ON records (delivered_at) WHERE state = 'delivered';
    CREATE TABLE activity (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        last_success_at   INTEGER,
        last_error        TEXT,
        last_error_at     INTEGER,
        last_error_record INTEGER
    );
    INSERT INTO activity (id) VALUES (1);
    CREATE TABLE rate_limits (
        key         TEXT    PRIMARY KEY,
        tokens      REAL    NOT NULL,
        refilled_at INTEGER NOT NULL
    ) WITHOUT ROWID;
",
        mysql: "
    CREATE TABLE {records} (
        id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
        kind            VARCHAR(64)  NOT NULL,
        entity_key      VARCHAR(255) NOT NULL,
        payload         LONGTEXT     NOT NULL,
        created_at      BIGINT       NOT NULL,
        state           VARCHAR(16)  NOT NULL DEFAULT 'pending'
                                     CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts        INT          NOT NULL DEFAULT 0,
        next_attempt_at BIGINT,
        lease_owner     VARCHAR(255),
        lease_until     BIGINT,
        lease_gen       BIGINT       NOT NULL DEFAULT 0,
        last_error      TEXT,
        error_details   LONGTEXT,
        last_error_at   BIGINT,
        delivered_at    BIGINT,
        result          LONGTEXT,
        KEY records_due (state, next_attempt_at, id),
        KEY records_key_open (entity_key, state, id),
        KEY records_state (state, id),
        KEY records_delivered (state, delivered_at)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
    CREATE TABLE {record_deps} (
        record_id  BIGINT       NOT NULL,
        entity_key VARCHAR(255) NOT NULL,
        PRIMARY KEY (record_id, entity_key),
        FOREIGN KEY (record_id) REFERENCES {records} (id) ON DELETE CASCADE
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
    CREATE TABLE {activity} (
        id                INT    NOT NULL PRIMARY KEY CHECK (id = 1),
        last_success_at   BIGINT,
        last_error        TEXT,
        last_error_at     BIGINT,
        last_error_record BIGINT
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
    INSERT INTO {activity} (id) VALUES (1);
    CREATE TABLE {rate_limits} (
        `key`       VARCHAR(255) NOT NULL PRIMARY KEY,
        tokens      DOUBLE       NOT NULL,
        refilled_at BIGINT       NOT NULL
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
",
    },
    Migration {
        sqlite: "
    CREATE TABLE unmapped (
        reference  TEXT    PRIMARY KEY,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL,
        seen       INTEGER NOT NULL
    ) WITHOUT ROWID;
",
        mysql: "
    CREATE TABLE {unmapped} (
        reference  VARCHAR(700) NOT NULL PRIMARY KEY,
        first_seen BIGINT       NOT NULL,
        last_seen  BIGINT       NOT NULL,
        seen       BIGINT       NOT NULL
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
",
    },
    Migration {
        sqlite: "
    CREATE TABLE order_ids (
        site_order_id INTEGER PRIMARY KEY,
        external_id   TEXT    NOT NULL UNIQUE
    );
",
        mysql: "
    CREATE TABLE {order_ids} (
        site_order_id BIGINT       NOT NULL PRIMARY KEY,
        external_id   VARCHAR(255) NOT NULL UNIQUE
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
",
    },
    Migration {
        sqlite: "
    ALTER TABLE records ADD COLUMN crm_url TEXT;
    ALTER TABLE records ADD COLUMN crm_site TEXT;
    ALTER TABLE records ADD COLUMN crm_key TEXT;
    CREATE TABLE breakers (
        crm        TEXT    PRIMARY KEY,
        failures   INTEGER NOT NULL,
        open_until INTEGER NOT NULL,
        reason     TEXT    NOT NULL,
        since      INTEGER NOT NULL
    ) WITHOUT ROWID;
",
        mysql: "
    ALTER TABLE {records} ADD COLUMN crm_url VARCHAR(255), ADD COLUMN crm_site VARCHAR(255),
                          ADD COLUMN crm_key VARCHAR(255);
    CREATE TABLE {breakers} (
        crm        VARCHAR(512) NOT NULL PRIMARY KEY,
        failures   INT          NOT NULL,
        open_until BIGINT       NOT NULL,
        reason     TEXT         NOT NULL,
        since      BIGINT       NOT NULL
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
",
    },
    Migration {
        sqlite: "
    CREATE TABLE inbound_state (
        name       TEXT    PRIMARY KEY,
        value      TEXT    NOT NULL,
        updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;
",
        mysql: "
    CREATE TABLE {inbound_state} (
        name       VARCHAR(255) NOT NULL PRIMARY KEY,
        value      LONGTEXT     NOT NULL,
        updated_at BIGINT       NOT NULL
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
",
    },
    Migration {
        sqlite: "
    CREATE TABLE history_entries (
        history_id INTEGER PRIMARY KEY,
        crm_order  TEXT    NOT NULL,
        code       TEXT    NOT NULL,
        changed_at INTEGER NOT NULL,
        state      TEXT    NOT NULL DEFAULT 'pending'
                           CHECK (state IN ('pending', 'applied', 'skipped', 'set_aside')),
        returned   INTEGER NOT NULL DEFAULT 0,
        reason     TEXT,
        read_at    INTEGER NOT NULL,
        settled_at INTEGER
    );
    CREATE INDEX history_entries_state ON history_entries (state, history_id);
",
        mysql: "
    CREATE TABLE {history_entries} (
        history_id BIGINT      NOT NULL PRIMARY KEY,
        crm_order  LONGTEXT    NOT NULL,
        code       VARCHAR(255) NOT NULL,
        changed_at BIGINT      NOT NULL,
        state      VARCHAR(16) NOT NULL DEFAULT 'pending'
                               CHECK (state IN ('pending', 'applied', 'skipped', 'set_aside')),
        returned   INT         NOT NULL DEFAULT 0,
        reason     TEXT,
        read_at    BIGINT      NOT NULL,
        settled_at BIGINT,
        KEY history_entries_state (state, history_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
",
    },
    Migration {
        sqlite: "CREATE INDEX records_key ON records (entity_key, id);",
        mysql: "",
    },
];

/// The schema version this build writes.
pub(super) fn supported_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// What the file says about itself, read in one snapshot before anything is written.
#[derive(Debug)]
pub(super) enum Identity {
    /// An outbox (or an empty file that becomes one) at this schema version.
    Outbox(i64),
    /// A database of another application.
    Foreign,
}

/// Reads the file's schema version and tells an outbox from a foreign database. Fails with
/// SQLite's "not a database" on a file that is not one.
pub(super) fn identify(conn: &Connection) -> Result<Identity, rusqlite::Error> {
    let (version, application_id, objects): (i64, i64, i64) = conn.query_row(
        "SELECT v.user_version, a.application_id, (SELECT count(*) FROM sqlite_schema)
           FROM pragma_user_version() AS v, pragma_application_id() AS a",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    let foreign = match application_id {
        APPLICATION_ID => false,
        0 => version != 0 || objects != 0,
        _ => true,
    };
    Ok(if foreign {
        Identity::Foreign
    } else {
        Identity::Outbox(version)
    })
}

/// Applies the migrations the file lacks, each in its own immediate transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), Failure> {
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let target = i64::try_from(index + 1).unwrap_or(i64::MAX);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version >= target {
            continue;
        }
        tx.execute_batch(migration.sqlite)?;
        tx.execute_batch(&format!(
            "PRAGMA user_version = {target}; PRAGMA application_id = {APPLICATION_ID};"
        ))?;
        tx.commit()?;
    }
    Ok(())
}
