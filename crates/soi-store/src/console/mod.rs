//! What the analysts' console keeps: users and their roles, labels, cases and the audit log.
//!
//! Why a separate seam beside [`crate::Store`]: the console runs over either store (the embedded
//! SQLite file or ClickHouse) with the same pages, so its records need the same home as the
//! verdicts they are about, but the pipeline's stages never touch them. Every record here is
//! append-only where the law needs history: a label is never overwritten (a new label is a new
//! row), a case keeps every version, and the audit log is hash-chained ([`audit`]) so that a
//! removed or edited row is found by `soi audit verify`. Users are the one record that is
//! replaced (a disabled user, a new password), and every such change is itself audited.

pub mod audit;
mod types;

pub use audit::{chain_hash, verify_chain, AuditEntry, ChainBreak, NewAudit};
pub use types::{
    Case, CaseNote, CaseStatus, Label, LabelTarget, LabelValue, ParseError, Role, User,
};

use async_trait::async_trait;

use crate::StoreError;

/// The console's records, on either store.
#[async_trait]
pub trait ConsoleStore: Send + Sync {
    /// Creates the user or replaces the row of the user with that name.
    async fn put_user(&self, user: &User) -> Result<(), StoreError>;
    async fn user(&self, name: &str) -> Result<Option<User>, StoreError>;
    /// Every user, by name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// Appends a label (history is kept: nothing is overwritten).
    async fn add_label(&self, label: &Label) -> Result<(), StoreError>;
    /// The labels of one listing or seller, oldest first.
    async fn labels_for(
        &self,
        target: LabelTarget,
        marketplace: &str,
        id: &str,
    ) -> Result<Vec<Label>, StoreError>;
    /// Every label, oldest first (training data, exports).
    async fn labels(&self) -> Result<Vec<Label>, StoreError>;

    /// Stores a new version of a case (`case.version` one more than the last stored).
    async fn put_case(&self, case: &Case) -> Result<(), StoreError>;
    /// The latest version of a case.
    async fn case(&self, id: &str) -> Result<Option<Case>, StoreError>;
    /// Every version of a case, oldest first.
    async fn case_history(&self, id: &str) -> Result<Vec<Case>, StoreError>;
    /// The latest version of every case, newest first by `updated_at`.
    async fn cases(&self) -> Result<Vec<Case>, StoreError>;

    /// The last row of the audit log.
    async fn audit_tail(&self) -> Result<Option<AuditEntry>, StoreError>;
    /// Writes one chained row; callers build it with [`AuditEntry::next`] from the tail and
    /// serialize their appends (the console holds one lock around tail and insert).
    async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// Rows with `seq > after`, in order, at most `limit`.
    async fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;
    /// Reads the tail, chains `new` to it and inserts it. The default is two calls, not safe
    /// against a second writer between them (callers hold a lock); a store that can do both in
    /// one transaction does.
    async fn append_audit(&self, new: NewAudit) -> Result<AuditEntry, StoreError> {
        let tail = self.audit_tail().await?;
        let entry = AuditEntry::next(tail.as_ref(), new);
        self.insert_audit(&entry).await?;
        Ok(entry)
    }
}

/// Reads the whole audit log in pages and checks its chain.
pub async fn verify_audit(store: &dyn ConsoleStore) -> Result<Result<u64, ChainBreak>, StoreError> {
    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit(after, 10_000).await?;
        match page.last() {
            Some(last) => after = last.seq,
            None => break,
        }
        rows.extend(page);
    }
    Ok(verify_chain(&rows).map(|()| rows.len() as u64))
}
