//! The console's records ([`ConsoleStore`]) in the embedded file: one JSON body per row, keyed
//! columns beside it for the lookups. Labels and case versions are only inserted; the audit
//! table refuses updates and deletes by trigger, so the only way to alter it is behind SQLite's
//! back — which `soi audit verify` finds.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use soi_store::console::{AuditEntry, Case, Label, LabelTarget, NewAudit, User};
use soi_store::{ConsoleStore, StoreError};

use crate::{Error, SqliteStore};

pub(crate) fn body<T: Serialize>(row: &T) -> Result<String, Error> {
    serde_json::to_string(row).map_err(|e| {
        Error::Store(StoreError::Content {
            key: "console row".into(),
            why: e.to_string(),
        })
    })
}

pub(crate) fn parse<T: DeserializeOwned>(
    table: &'static str,
    key: &str,
    text: &str,
) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::Store(StoreError::Corrupt {
            table,
            key: key.to_string(),
            why: e.to_string(),
        })
    })
}

/// Runs `sql` with `args` and parses column 0 (key) and 1 (body) of every row.
pub(crate) fn rows<T: DeserializeOwned>(
    c: &Connection,
    table: &'static str,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<T>, Error> {
    let mut st = c.prepare(sql)?;
    let found = st
        .query_map(args, |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    found.iter().map(|(k, b)| parse(table, k, b)).collect()
}

pub(crate) fn at(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

#[async_trait]
impl ConsoleStore for SqliteStore {
    async fn put_user(&self, user: &User) -> Result<(), StoreError> {
        let (name, b) = (user.name.clone(), body(user)?);
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO console_users (name, body) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET body = excluded.body",
                params![name, b],
            )?;
            Ok(())
        })
        .await
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let name = name.to_string();
        self.with_read(move |c| {
            let b: Option<String> = c
                .query_row(
                    "SELECT body FROM console_users WHERE name = ?1",
                    [&name],
                    |r| r.get(0),
                )
                .optional()?;
            b.map(|b| parse("console_users", &name, &b)).transpose()
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.with_read(|c| {
            rows(
                c,
                "console_users",
                "SELECT name, body FROM console_users ORDER BY name",
                [],
            )
        })
        .await
    }

    async fn add_label(&self, label: &Label) -> Result<(), StoreError> {
        let l = label.clone();
        let b = body(label)?;
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO console_labels (target, marketplace, id, at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![l.target.as_str(), l.marketplace, l.id, at(&l.at), b],
            )?;
            Ok(())
        })
        .await
    }

    async fn labels_for(
        &self,
        target: LabelTarget,
        marketplace: &str,
        id: &str,
    ) -> Result<Vec<Label>, StoreError> {
        let (m, id) = (marketplace.to_string(), id.to_string());
        self.with_read(move |c| {
            rows(
                c,
                "console_labels",
                "SELECT id, body FROM console_labels
                 WHERE target = ?1 AND marketplace = ?2 AND id = ?3 ORDER BY at, rowid",
                params![target.as_str(), m, id],
            )
        })
        .await
    }

    async fn labels(&self) -> Result<Vec<Label>, StoreError> {
        self.with_read(|c| {
            rows(
                c,
                "console_labels",
                "SELECT id, body FROM console_labels ORDER BY at, rowid",
                [],
            )
        })
        .await
    }

    async fn put_case(&self, case: &Case) -> Result<(), StoreError> {
        let (id, v, u) = (case.id.clone(), case.version as i64, at(&case.updated_at));
        let b = body(case)?;
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO console_cases (id, version, updated_at, body) VALUES (?1, ?2, ?3, ?4)",
                params![id, v, u, b],
            )?;
            Ok(())
        })
        .await
    }

    async fn case(&self, id: &str) -> Result<Option<Case>, StoreError> {
        let id = id.to_string();
        self.with_read(move |c| {
            let mut found: Vec<Case> = rows(
                c,
                "console_cases",
                "SELECT id, body FROM console_cases WHERE id = ?1 ORDER BY version DESC LIMIT 1",
                [&id],
            )?;
            Ok(found.pop())
        })
        .await
    }

    async fn case_history(&self, id: &str) -> Result<Vec<Case>, StoreError> {
        let id = id.to_string();
        self.with_read(move |c| {
            rows(
                c,
                "console_cases",
                "SELECT id, body FROM console_cases WHERE id = ?1 ORDER BY version",
                [&id],
            )
        })
        .await
    }

    async fn cases(&self) -> Result<Vec<Case>, StoreError> {
        self.with_read(|c| {
            rows(
                c,
                "console_cases",
                "SELECT c.id, c.body FROM console_cases c
                 JOIN (SELECT id, MAX(version) AS v FROM console_cases GROUP BY id) l
                   ON c.id = l.id AND c.version = l.v
                 ORDER BY c.updated_at DESC, c.id",
                [],
            )
        })
        .await
    }

    async fn audit_tail(&self) -> Result<Option<AuditEntry>, StoreError> {
        self.with_conn(|c| {
            let mut found: Vec<AuditEntry> = rows(
                c,
                "console_audit",
                "SELECT CAST(seq AS TEXT), body FROM console_audit ORDER BY seq DESC LIMIT 1",
                [],
            )?;
            Ok(found.pop())
        })
        .await
    }

    async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let (seq, b) = (entry.seq as i64, body(entry)?);
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO console_audit (seq, body) VALUES (?1, ?2)",
                params![seq, b],
            )?;
            Ok(())
        })
        .await
    }

    async fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let (after, limit) = (after as i64, limit.min(i64::MAX as usize) as i64);
        self.with_read(move |c| {
            rows(
                c,
                "console_audit",
                "SELECT CAST(seq AS TEXT), body FROM console_audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                params![after, limit],
            )
        })
        .await
    }

    /// Tail and insert in one immediate transaction on the writer: a second process appending
    /// at the same time waits instead of chaining to the same row.
    async fn append_audit(&self, new: NewAudit) -> Result<AuditEntry, StoreError> {
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let tail: Option<AuditEntry> = rows(
                &tx,
                "console_audit",
                "SELECT CAST(seq AS TEXT), body FROM console_audit ORDER BY seq DESC LIMIT 1",
                [],
            )?
            .pop();
            let entry = AuditEntry::next(tail.as_ref(), new);
            tx.execute(
                "INSERT INTO console_audit (seq, body) VALUES (?1, ?2)",
                params![entry.seq as i64, body(&entry)?],
            )?;
            tx.commit()?;
            Ok(entry)
        })
        .await
    }
}
