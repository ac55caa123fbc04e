//! Managing users, shared by `soi users` and the admin page: names checked, passwords hashed,
//! every change on the audit log.

use soi_store::console::{Role, User};
use soi_store::ConsoleStore;

use crate::audit::AuditLog;
use crate::{password, ConsoleError};

/// A user name: 1 to 64 of letters, digits, `.`, `_`, `-`.
pub fn check_name(name: &str) -> Result<(), ConsoleError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ConsoleError::Invalid(format!(
            "`{name}` is not a user name: use 1 to 64 letters, digits, `.`, `_` or `-`"
        )))
    }
}

/// Who acts and from where, for the audit log.
pub struct Actor<'a> {
    pub name: &'a str,
    pub addr: &'a str,
}

pub async fn add(
    store: &dyn ConsoleStore,
    audit: &AuditLog,
    by: Actor<'_>,
    name: &str,
    role: Role,
    password: &str,
) -> Result<User, ConsoleError> {
    check_name(name)?;
    if store.user(name).await?.is_some() {
        return Err(ConsoleError::Invalid(format!(
            "user `{name}` exists already"
        )));
    }
    let hash = password::hash(password)?;
    let now = chrono::Utc::now();
    let u = User {
        name: name.to_string(),
        role,
        password_hash: hash,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    store.put_user(&u).await?;
    audit
        .record(
            by.name,
            "user_add",
            format!("user {name}"),
            role.as_str(),
            by.addr,
        )
        .await?;
    Ok(u)
}

async fn existing(store: &dyn ConsoleStore, name: &str) -> Result<User, ConsoleError> {
    store
        .user(name)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("no user `{name}`")))
}

pub async fn disable(
    store: &dyn ConsoleStore,
    audit: &AuditLog,
    by: Actor<'_>,
    name: &str,
) -> Result<User, ConsoleError> {
    let mut u = existing(store, name).await?;
    u.disabled = true;
    u.updated_at = chrono::Utc::now();
    store.put_user(&u).await?;
    audit
        .record(by.name, "user_disable", format!("user {name}"), "", by.addr)
        .await?;
    Ok(u)
}

/// Sets a new password (and enables the user again).
pub async fn reset(
    store: &dyn ConsoleStore,
    audit: &AuditLog,
    by: Actor<'_>,
    name: &str,
    password: &str,
) -> Result<User, ConsoleError> {
    let mut u = existing(store, name).await?;
    u.password_hash = password::hash(password)?;
    u.disabled = false;
    u.updated_at = chrono::Utc::now();
    store.put_user(&u).await?;
    audit
        .record(by.name, "user_reset", format!("user {name}"), "", by.addr)
        .await?;
    Ok(u)
}
