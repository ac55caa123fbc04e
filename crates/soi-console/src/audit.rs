//! The console's side of the audit log: one lock around "read the tail, chain, insert", so that
//! the rows of concurrent requests chain in order.

use std::sync::Arc;

use soi_store::console::{AuditEntry, NewAudit};
use soi_store::ConsoleStore;
use tokio::sync::Mutex;

use crate::ConsoleError;

pub struct AuditLog {
    store: Arc<dyn ConsoleStore>,
    lock: Mutex<()>,
}

impl AuditLog {
    pub fn new(store: Arc<dyn ConsoleStore>) -> AuditLog {
        AuditLog {
            store,
            lock: Mutex::new(()),
        }
    }

    /// Appends one row. A request whose action cannot be put on the record fails.
    pub async fn record(
        &self,
        user: &str,
        action: &str,
        target: impl Into<String>,
        detail: impl Into<String>,
        address: &str,
    ) -> Result<AuditEntry, ConsoleError> {
        let _g = self.lock.lock().await;
        let new = NewAudit {
            user: user.to_string(),
            action: action.to_string(),
            target: target.into(),
            detail: detail.into(),
            address: address.to_string(),
        };
        Ok(self.store.append_audit(new).await?)
    }
}
