//! The console's records ([`ConsoleStore`]) in ClickHouse.
//!
//! Why the tables look as they do (migration 3):
//! - **`body` is the row's JSON** (`serde_json` of the seam's row type), so every field
//!   round-trips exactly: the audit chain's hashes must verify after a read, and
//!   [`soi_store::console::AuditEntry::at`] is whole microseconds, which JSON keeps. The other
//!   columns are only keys for lookups and ordering.
//! - **Times are `Int64` microseconds**, not `DateTime64`, which 18.16 does not have (and
//!   `DateTime` would lose the microseconds the ordering needs).
//! - **Users are replaced**: `console_users` is a `ReplacingMergeTree` keyed by name, with the
//!   write's version (time of the write, growing within the process), and every read takes
//!   `argMax(body, version)`, so a replaced user is answered at once, before any merge.
//! - **Labels, case versions and audit rows are only appended** (plain `MergeTree`). Inserts
//!   are synchronous, so the next read sees them. A retried insert (the server went away after
//!   writing) may store a row twice; reads collapse rows that are identical, including the
//!   `written` column that is fixed before the first try, so a retry never shows.
//! - **A case version and an audit row are written once**: as SQLite's primary keys do, an
//!   insert whose `(id, version)` or `seq` is already stored is refused. ClickHouse has no such
//!   constraint, so this is a read before the insert; callers serialize their writes (the
//!   console holds one lock). Should two writers race anyway, the first written case version
//!   wins, and two different audit rows with one `seq` both stay visible, so that
//!   `soi audit verify` reports the break instead of hiding an action.

use async_trait::async_trait;
use clickhouse::query::Query;
use clickhouse::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;
use soi_store::console::{AuditEntry, Case, Label, LabelTarget, User};
use soi_store::{parse_stored, ConsoleStore, StoreError};

use crate::rows::{Count, KeyBody};
use crate::write::next_version;
use crate::{ClickHouseError, ClickHouseStore};

#[derive(Debug, Row, Serialize)]
struct UserRow {
    name: String,
    version: u64,
    body: String,
}

#[derive(Debug, Row, Serialize)]
struct LabelRow {
    target: String,
    marketplace: String,
    id: String,
    at: i64,
    written: u64,
    body: String,
}

#[derive(Debug, Row, Serialize)]
struct CaseRow {
    id: String,
    version: u64,
    updated_at: i64,
    written: u64,
    body: String,
}

#[derive(Debug, Row, Serialize)]
struct AuditRow {
    seq: u64,
    body: String,
}

fn body<T: Serialize>(key: &str, row: &T) -> Result<String, StoreError> {
    serde_json::to_string(row).map_err(|e| StoreError::Content {
        key: key.to_string(),
        why: e.to_string(),
    })
}

/// The latest body of each user.
const USERS_SQL: &str = "SELECT name AS key, argMax(body, version) AS latest FROM console_users
     WHERE (? = 0 OR name = ?) GROUP BY name ORDER BY name";

/// Labels oldest first; identical rows (a retried insert) once.
const LABELS_SQL: &str = "SELECT id AS key, body FROM console_labels
     WHERE (? = 0 OR (target = ? AND marketplace = ? AND id = ?))
     GROUP BY at, written, target, marketplace, id, body
     ORDER BY at, written";

/// The latest version of every case (its first write), newest first.
const CASES_SQL: &str = "SELECT id AS key, body FROM (
        SELECT id, updated_at, body FROM console_cases
        WHERE (id, version) IN (SELECT id, max(version) FROM console_cases GROUP BY id)
        ORDER BY id, written LIMIT 1 BY id
     ) ORDER BY updated_at DESC, id";

impl ClickHouseStore {
    /// Runs the `(key, body)` query `build` makes and parses every body as a row of `table`.
    async fn console_rows<T, F>(&self, table: &'static str, build: F) -> Result<Vec<T>, StoreError>
    where
        T: DeserializeOwned,
        F: Fn(&clickhouse::Client) -> Query,
    {
        let rows: Vec<KeyBody> = self
            .retry("console read", || {
                build(&self.client).fetch_all::<KeyBody>()
            })
            .await?;
        rows.iter()
            .map(|r| parse_stored(table, &r.key, &r.body))
            .collect()
    }

    /// Refuses the write when `build`'s count finds the key already stored.
    async fn refuse_stored<F>(
        &self,
        table: &'static str,
        key: &str,
        build: F,
    ) -> Result<(), StoreError>
    where
        F: Fn(&clickhouse::Client) -> Query,
    {
        let n: Vec<Count> = self
            .retry("console key", || build(&self.client).fetch_all::<Count>())
            .await?;
        if n.first().map(|c| c.n).unwrap_or(0) > 0 {
            tracing::warn!(table, key, "refusing a second write of a write-once row");
            return Err(ClickHouseError::Exists {
                table,
                key: key.to_string(),
            }
            .into());
        }
        Ok(())
    }

    async fn users_named(&self, name: Option<&str>) -> Result<Vec<User>, StoreError> {
        let (one, name) = (name.is_some() as u8, name.unwrap_or_default());
        self.console_rows("console_users", |c| c.query(USERS_SQL).bind(one).bind(name))
            .await
    }

    async fn labels_where(
        &self,
        key: Option<(LabelTarget, &str, &str)>,
    ) -> Result<Vec<Label>, StoreError> {
        let one = key.is_some() as u8;
        let (target, m, id) = key
            .map(|(t, m, id)| (t.as_str(), m, id))
            .unwrap_or_default();
        self.console_rows("console_labels", |c| {
            c.query(LABELS_SQL).bind(one).bind(target).bind(m).bind(id)
        })
        .await
    }
}

#[async_trait]
impl ConsoleStore for ClickHouseStore {
    async fn put_user(&self, user: &User) -> Result<(), StoreError> {
        let row = UserRow {
            name: user.name.clone(),
            version: next_version(),
            body: body(&format!("user {}", user.name), user)?,
        };
        tracing::debug!(user = %user.name, "writing console user");
        Ok(self.insert_rows("console_users", &[row]).await?)
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        Ok(self.users_named(Some(name)).await?.pop())
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.users_named(None).await
    }

    async fn add_label(&self, label: &Label) -> Result<(), StoreError> {
        let key = format!("label {} {}/{}", label.target, label.marketplace, label.id);
        let row = LabelRow {
            target: label.target.as_str().to_string(),
            marketplace: label.marketplace.clone(),
            id: label.id.clone(),
            at: label.at.timestamp_micros(),
            written: next_version(),
            body: body(&key, label)?,
        };
        tracing::debug!(%key, "writing console label");
        Ok(self.insert_rows("console_labels", &[row]).await?)
    }

    async fn labels_for(
        &self,
        target: LabelTarget,
        marketplace: &str,
        id: &str,
    ) -> Result<Vec<Label>, StoreError> {
        self.labels_where(Some((target, marketplace, id))).await
    }

    async fn labels(&self) -> Result<Vec<Label>, StoreError> {
        self.labels_where(None).await
    }

    async fn put_case(&self, case: &Case) -> Result<(), StoreError> {
        let key = format!("case {} version {}", case.id, case.version);
        let row = CaseRow {
            id: case.id.clone(),
            version: case.version,
            updated_at: case.updated_at.timestamp_micros(),
            written: next_version(),
            body: body(&key, case)?,
        };
        self.refuse_stored("console_cases", &key, |c| {
            c.query("SELECT count() AS n FROM console_cases WHERE id = ? AND version = ?")
                .bind(&case.id)
                .bind(case.version)
        })
        .await?;
        tracing::debug!(%key, "writing console case");
        Ok(self.insert_rows("console_cases", &[row]).await?)
    }

    async fn case(&self, id: &str) -> Result<Option<Case>, StoreError> {
        let found: Vec<Case> = self
            .console_rows("console_cases", |c| {
                c.query(
                    "SELECT id AS key, body FROM console_cases WHERE id = ?
                     ORDER BY version DESC, written LIMIT 1",
                )
                .bind(id)
            })
            .await?;
        Ok(found.into_iter().next())
    }

    async fn case_history(&self, id: &str) -> Result<Vec<Case>, StoreError> {
        self.console_rows("console_cases", |c| {
            c.query(
                "SELECT id AS key, body FROM console_cases WHERE id = ?
                 ORDER BY version, written LIMIT 1 BY version",
            )
            .bind(id)
        })
        .await
    }

    async fn cases(&self) -> Result<Vec<Case>, StoreError> {
        self.console_rows("console_cases", |c| c.query(CASES_SQL))
            .await
    }

    async fn audit_tail(&self) -> Result<Option<AuditEntry>, StoreError> {
        let found: Vec<AuditEntry> = self
            .console_rows("console_audit", |c| {
                c.query(
                    "SELECT toString(seq) AS key, body FROM console_audit
                     ORDER BY seq DESC LIMIT 1",
                )
            })
            .await?;
        Ok(found.into_iter().next())
    }

    async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let key = format!("audit row {}", entry.seq);
        let row = AuditRow {
            seq: entry.seq,
            body: body(&key, entry)?,
        };
        self.refuse_stored("console_audit", &key, |c| {
            c.query("SELECT count() AS n FROM console_audit WHERE seq = ?")
                .bind(entry.seq)
        })
        .await?;
        tracing::debug!(seq = entry.seq, action = %entry.action, "writing audit row");
        Ok(self.insert_rows("console_audit", &[row]).await?)
    }

    async fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let limit = limit as u64;
        self.console_rows("console_audit", |c| {
            c.query(
                "SELECT toString(seq) AS key, body FROM console_audit WHERE seq > ?
                 GROUP BY seq, body ORDER BY seq LIMIT ?",
            )
            .bind(after)
            .bind(limit)
        })
        .await
    }
}
