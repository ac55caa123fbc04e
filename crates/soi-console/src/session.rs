//! Login sessions, held in the server's memory: a random token in an HttpOnly, SameSite=Strict
//! cookie (Secure under TLS) names a session that carries the user, the role, its CSRF token and
//! two clocks. A session ends after `idle` without a request, after `absolute` however busy, on
//! logout, and when the user is disabled (checked on every request against the store).
//!
//! Why memory and not the store: a restart logging everyone out is harmless, and the session
//! table then never holds a token an attacker with read access to the database could replay.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use soi_store::console::Role;

use crate::password::token;
use crate::ConsoleError;

/// The cookie's name.
pub const COOKIE: &str = "soi_session";

/// One logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub role: Role,
    pub csrf: String,
    created: Instant,
    seen: Instant,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for Expiry {
    fn default() -> Self {
        Expiry {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
        }
    }
}

/// Every live session.
pub struct Sessions {
    expiry: Expiry,
    live: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    pub fn new(expiry: Expiry) -> Sessions {
        Sessions {
            expiry,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// How long its sessions live.
    pub fn expiry(&self) -> Expiry {
        self.expiry
    }

    /// Starts a session; returns its token.
    pub fn start(&self, user: &str, role: Role) -> Result<(String, Session), ConsoleError> {
        let now = Instant::now();
        let s = Session {
            user: user.to_string(),
            role,
            csrf: token()?,
            created: now,
            seen: now,
        };
        let t = token()?;
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, s| self.fresh(s, now));
        live.insert(t.clone(), s.clone());
        Ok((t, s))
    }

    /// The session of `token` if it is still fresh; touching it restarts the idle clock.
    pub fn get(&self, token: &str) -> Option<Session> {
        let now = Instant::now();
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = live.get(token).map(|s| self.fresh(s, now))?;
        if !fresh {
            live.remove(token);
            return None;
        }
        let s = live.get_mut(token)?;
        s.seen = now;
        Some(s.clone())
    }

    pub fn end(&self, token: &str) {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
    }

    /// Ends every session of `user` (disabled, password reset).
    pub fn end_user(&self, user: &str) {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, s| s.user != user);
    }

    fn fresh(&self, s: &Session, now: Instant) -> bool {
        now.duration_since(s.seen) < self.expiry.idle
            && now.duration_since(s.created) < self.expiry.absolute
    }
}

/// The `Set-Cookie` value that carries `token`.
pub fn cookie(token: &str, secure: bool, max_age: Duration) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(secure: bool) -> String {
    cookie("", secure, Duration::ZERO)
}

/// The value of cookie `name` in a `Cookie` header, if set and not empty.
pub fn cookie_in<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// The session token in a `Cookie` header, if any.
pub fn token_in(cookie_header: &str) -> Option<&str> {
    cookie_in(cookie_header, COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_absolute_expiry_end_sessions() {
        let s = Sessions::new(Expiry {
            idle: Duration::from_millis(80),
            absolute: Duration::from_millis(250),
        });
        let (t, _) = s.start("ana", Role::Analyst).unwrap();
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(40));
            assert!(s.get(&t).is_some(), "kept alive by use");
        }
        std::thread::sleep(Duration::from_millis(100));
        assert!(s.get(&t).is_none(), "absolute expiry");
        let (t, _) = s.start("ana", Role::Analyst).unwrap();
        std::thread::sleep(Duration::from_millis(120));
        assert!(s.get(&t).is_none(), "idle expiry");
    }

    #[test]
    fn cookies_are_http_only_strict_and_parsed_back() {
        let c = cookie("abc", true, Duration::from_secs(60));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!cookie("abc", false, Duration::ZERO).contains("Secure"));
        assert_eq!(token_in("a=1; soi_session=abc; b=2"), Some("abc"));
        assert_eq!(token_in("soi_session="), None);
    }
}
