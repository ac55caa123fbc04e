//! SQLite's errors inside this crate, and how they reach the seam: as
//! [`StoreError::Engine`], marked as content errors when the record itself is what SQLite refuses
//! (a value too big, a constraint or trigger), so that the sink dead-letters it instead of
//! retrying its batch forever.

use soi_store::StoreError;
use thiserror::Error;

/// What a function of this crate can fail with: SQLite itself, or a seam error it built.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether SQLite refused the record for its own content (retrying it as it is cannot help).
fn is_content(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(e, _) => matches!(
            e.code,
            rusqlite::ErrorCode::TooBig | rusqlite::ErrorCode::ConstraintViolation
        ),
        _ => false,
    }
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(e) => e,
            Error::Sqlite(e) => StoreError::Engine {
                engine: "sqlite",
                content: is_content(&e),
                source: Box::new(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_failures_are_content_errors_and_others_are_not() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (x TEXT NOT NULL);")
            .unwrap();
        let refused = c
            .execute("INSERT INTO t (x) VALUES (NULL)", [])
            .unwrap_err();
        let e = StoreError::from(Error::from(refused));
        assert!(e.is_content(), "{e:?}");
        assert!(e.to_string().starts_with("sqlite: "), "{e}");
        let missing = c.execute("INSERT INTO nowhere VALUES (1)", []).unwrap_err();
        assert!(!StoreError::from(Error::from(missing)).is_content());
    }
}
