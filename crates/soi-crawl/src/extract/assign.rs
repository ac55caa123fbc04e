//! Finding the JSON a script assigns to a name (`window.pageData = {...};`) without running it.
//!
//! Why a scanner and not a JavaScript engine: the page is written by the people we investigate,
//! and running their script is both a risk and a dependency we do not want. Shops that render
//! from data write a JSON literal after `NAME =`; this module finds that assignment and returns
//! the balanced object or array after it, tracking strings and escapes so a `}` inside a string
//! does not end it. The scan is iterative (no recursion), bounded in size and nesting, and
//! every failure says which name and where.

use thiserror::Error;

/// Largest JSON value read out of a page (a page body is itself capped lower by default).
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of objects and arrays followed (serde_json's own limit is 128).
pub const MAX_DEPTH: usize = 128;

/// Why no JSON value could be read for a name.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum AssignError {
    #[error("no `{name} =` assignment in the page's scripts")]
    NotAssigned { name: String },
    #[error("`{name} =` at byte {at} is not followed by a JSON object or array")]
    NotAValue { name: String, at: usize },
    #[error("the value assigned to `{name}` at byte {at} ends before it is closed")]
    Unclosed { name: String, at: usize },
    #[error("the value assigned to `{name}` at byte {at} closes `{open}` with `{close}`")]
    Mismatched {
        name: String,
        at: usize,
        open: char,
        close: char,
    },
    #[error("the value assigned to `{name}` at byte {at} is larger than {cap} bytes")]
    TooLarge { name: String, at: usize, cap: usize },
    #[error("the value assigned to `{name}` at byte {at} nests deeper than {cap} levels")]
    TooDeep { name: String, at: usize, cap: usize },
}

/// Whether `name` can be looked for: a dotted script name such as `window.pageData`.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && name.bytes().all(is_name_byte)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.'
}

/// The text of the JSON object or array assigned to `name` in `script` (the first assignment
/// followed by one; `x = x || {}` is passed over), at most `cap` bytes.
pub fn assigned<'a>(script: &'a str, name: &str, cap: usize) -> Result<&'a str, AssignError> {
    let bytes = script.as_bytes();
    let mut first_err = None;
    for (at, _) in script.match_indices(name) {
        if at > 0 && is_name_byte(bytes[at - 1]) {
            continue;
        }
        let mut i = skip_space(bytes, at + name.len());
        // `NAME =` but not `NAME ==`, `NAME.x =` or `NAME2 =`.
        if bytes.get(i) != Some(&b'=') || bytes.get(i + 1) == Some(&b'=') {
            continue;
        }
        i = skip_space(bytes, i + 1);
        match bytes.get(i) {
            Some(b'{') | Some(b'[') => {
                return balanced(script, i, cap).map_err(|e| e.named(name));
            }
            _ => {
                first_err.get_or_insert(AssignError::NotAValue {
                    name: name.to_string(),
                    at,
                });
            }
        }
    }
    Err(first_err.unwrap_or(AssignError::NotAssigned {
        name: name.to_string(),
    }))
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The balanced object or array starting at byte `start` of `text` (which holds `{` or `[`).
/// Errors carry an empty name; [`assigned`] names them.
pub fn balanced(text: &str, start: usize, cap: usize) -> Result<&str, AssignError> {
    let bytes = text.as_bytes();
    let err_name = String::new;
    let mut stack: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if i - start >= cap {
            return Err(AssignError::TooLarge {
                name: err_name(),
                at: start,
                cap,
            });
        }
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(AssignError::TooDeep {
                            name: err_name(),
                            at: start,
                            cap: MAX_DEPTH,
                        });
                    }
                    stack.push(if b == b'{' { b'}' } else { b']' });
                }
                b'}' | b']' => {
                    let want = stack.pop();
                    if want != Some(b) {
                        return Err(AssignError::Mismatched {
                            name: err_name(),
                            at: i,
                            open: if want == Some(b'}') { '{' } else { '[' },
                            close: b as char,
                        });
                    }
                    if stack.is_empty() {
                        // Both ends are ASCII, so these are character boundaries.
                        return Ok(&text[start..=i]);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    Err(AssignError::Unclosed {
        name: err_name(),
        at: start,
    })
}

impl AssignError {
    fn named(self, n: &str) -> AssignError {
        let name = n.to_string();
        match self {
            AssignError::NotAssigned { .. } => AssignError::NotAssigned { name },
            AssignError::NotAValue { at, .. } => AssignError::NotAValue { name, at },
            AssignError::Unclosed { at, .. } => AssignError::Unclosed { name, at },
            AssignError::Mismatched {
                at, open, close, ..
            } => AssignError::Mismatched {
                name,
                at,
                open,
                close,
            },
            AssignError::TooLarge { at, cap, .. } => AssignError::TooLarge { name, at, cap },
            AssignError::TooDeep { at, cap, .. } => AssignError::TooDeep { name, at, cap },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_balanced_value_after_the_name() {
        let s = r#"var x = 1; window.pageData = {"a": "}{\"", "b": [1, {"c": "]"}]}; f();"#;
        assert_eq!(
            assigned(s, "window.pageData", MAX_JSON_BYTES).unwrap(),
            r#"{"a": "}{\"", "b": [1, {"c": "]"}]}"#
        );
        let s = "window.pageData = window.pageData || {};\nwindow.pageData=[1,2]";
        assert_eq!(assigned(s, "window.pageData", 100).unwrap(), "[1,2]");
    }

    #[test]
    fn other_names_and_comparisons_are_not_assignments() {
        let s = "mywindow.pageData = {}; window.pageData.x = {}; if (window.pageData == {}) {}";
        assert_eq!(
            assigned(s, "window.pageData", 100),
            Err(AssignError::NotAssigned {
                name: "window.pageData".into()
            })
        );
        assert!(matches!(
            assigned("window.pageData = null;", "window.pageData", 100),
            Err(AssignError::NotAValue { at: 0, .. })
        ));
    }

    #[test]
    fn broken_values_are_named_errors() {
        let n = "d";
        assert!(matches!(
            assigned(r#"d = {"a": [1, 2}"#, n, 100),
            Err(AssignError::Mismatched { close: '}', .. })
        ));
        assert!(matches!(
            assigned(r#"d = {"a": "}"#, n, 100),
            Err(AssignError::Unclosed { at: 4, .. })
        ));
        assert!(matches!(
            assigned(r#"d = {"a": "0123456789"}"#, n, 10),
            Err(AssignError::TooLarge { cap: 10, .. })
        ));
        let deep = format!("d = {}{}", "[".repeat(200), "]".repeat(200));
        let e = assigned(&deep, n, MAX_JSON_BYTES).unwrap_err();
        assert!(matches!(e, AssignError::TooDeep { cap: 128, .. }), "{e}");
        assert!(e.to_string().contains("`d`"), "{e}");
    }

    #[test]
    fn names() {
        assert!(is_name("window.pageData") && is_name("__NEXT_DATA__") && is_name("$d"));
        assert!(!is_name("") && !is_name("a..b") && !is_name("a b") && !is_name(".a"));
    }
}
