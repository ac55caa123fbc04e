//! robots.txt (RFC 9309): the group for our product token, or `*`; the longest matching
//! `Allow`/`Disallow` wins, `Allow` on a tie; `*` and `$` in patterns; `Crawl-delay` read.
//!
//! Why hand-written: the Rust robots.txt matchers on crates.io are unmaintained (the most used,
//! `texting_robots`, last released in March 2023) or ports that pull a regex engine per rule;
//! RFC 9309's matching is a short function, and this one is pinned by its behaviour tests and by
//! the `robots` fuzz target (6.9 million inputs in 30 CPU-minutes, no finding, `fuzz/README.md`).

use std::time::Duration;

/// One `User-agent` group: its agents, its (allow, pattern) rules, its crawl delay.
type Group = (Vec<String>, Vec<(bool, String)>, Option<f64>);

/// The rules that apply to us on one host.
#[derive(Debug, Clone, Default)]
pub struct Robots {
    rules: Vec<(bool, String)>,
    pub crawl_delay: Option<Duration>,
}

impl Robots {
    /// Everything allowed (robots.txt absent: 4xx).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Everything disallowed (robots.txt unreachable: 5xx or network error).
    pub fn disallow_all() -> Robots {
        Robots {
            rules: vec![(false, "/".into())],
            crawl_delay: None,
        }
    }

    /// Parses a robots.txt for the product token `agent` (e.g. `soi-crawler`).
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<Group> = vec![];
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, val)) = line.split_once(':') else {
                continue;
            };
            let (key, val) = (key.trim().to_ascii_lowercase(), val.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((vec![], vec![], None));
                        in_agents = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.0.push(val.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        if !val.is_empty() {
                            g.1.push((key == "allow", val.to_string()));
                        }
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        g.2 = val
                            .parse::<f64>()
                            .ok()
                            .filter(|d| d.is_finite() && *d >= 0.0);
                    }
                }
                _ => {}
            }
        }
        let mine: Vec<_> = groups
            .iter()
            .filter(|g| {
                g.0.iter()
                    .any(|a| a != "*" && agent.starts_with(a.as_str()))
            })
            .collect();
        let chosen: Vec<_> = if mine.is_empty() {
            groups
                .iter()
                .filter(|g| g.0.iter().any(|a| a == "*"))
                .collect()
        } else {
            mine
        };
        let mut r = Robots::default();
        for g in chosen {
            r.rules.extend(g.1.iter().cloned());
            if let Some(d) = g.2 {
                r.crawl_delay = Some(Duration::from_secs_f64(d.min(3600.0)));
            }
        }
        r
    }

    /// Whether `path_query` (`/a/b?x=1`) may be fetched.
    pub fn allowed(&self, path_query: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pat) in &self.rules {
            if matches(pat, path_query) {
                let len = pat.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Pattern match with `*` (any run) and a trailing `$` (end of path).
fn matches(pat: &str, path: &str) -> bool {
    let (pat, anchored) = match pat.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pat, false),
    };
    let parts: Vec<&str> = pat.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 && anchored {
            return path.len() >= pos + part.len() && path.ends_with(part);
        } else {
            match path[pos..].find(part) {
                Some(j) => pos += j + part.len(),
                None => return false,
            }
        }
    }
    !anchored || pos == path.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_longest_match() {
        let txt = "User-agent: *\nDisallow: /private\nAllow: /private/ok\nCrawl-delay: 2\n\n\
                   User-agent: soi-crawler\nUser-agent: other\nDisallow: /nosoi\nDisallow: /*.json$\n";
        let r = Robots::parse(txt, "soi-crawler");
        assert!(!r.allowed("/nosoi/x"));
        assert!(r.allowed("/private/x"), "our own group replaces *");
        assert!(!r.allowed("/api/a.json"));
        assert!(r.allowed("/api/a.json?x=1"));
        let r = Robots::parse(txt, "somebot");
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/private/ok/1"));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
        assert!(Robots::allow_all().allowed("/x"));
        assert!(!Robots::disallow_all().allowed("/x"));
    }
}
