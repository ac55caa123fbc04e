//! Outside text made safe to print on an analyst's terminal.
//!
//! Why: seller names, titles, evidence and webhook replies are scraped or received text. Printed
//! raw, an ANSI escape sequence can recolour or rewrite the screen (hide a line, fake a verdict,
//! set the window title), a carriage return or newline can forge a line of our own output, and
//! a bidi override (U+202A..U+202E, U+2066..U+2069) can make text read in another order than it
//! is stored. So every text printer passes each outside string through [`clean`]: escape
//! sequences (ESC and C1 introduced) are dropped whole, tabs and line breaks become spaces,
//! other C0 and C1 controls, DEL and bidi controls are dropped. Everything else, Vietnamese and
//! emoji included, is kept. Our own layout (newlines, padding) is added after cleaning. JSON
//! output is not cleaned: its escaping already makes every control visible.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
/// C1 control sequence introducer, operating system command and string terminator.
const CSI: char = '\u{9b}';
const OSC: char = '\u{9d}';
const ST: char = '\u{9c}';
const BEL: char = '\u{7}';

/// `s` without terminal controls (see the module doc); borrowed when nothing was removed.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            ESC => match it.next() {
                Some('[') => skip_csi(&mut it),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut it),
                _ => {}
            },
            CSI => skip_csi(&mut it),
            OSC | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut it),
            '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            c if unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Skips a control sequence's parameters up to and including its final byte (`@`..`~`).
fn skip_csi(it: &mut impl Iterator<Item = char>) {
    for c in it.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// Skips a control string up to its terminator: BEL, ESC `\`, or ST.
fn skip_string(it: &mut std::iter::Peekable<impl Iterator<Item = char>>) {
    while let Some(c) = it.next() {
        match c {
            BEL | ST => break,
            ESC => {
                if it.peek() == Some(&'\\') {
                    it.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn drops_escapes_controls_and_bidi_keeps_text() {
        assert_eq!(clean("\u{1b}[31mĐỏ\u{1b}[0m"), "Đỏ");
        assert_eq!(clean("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(clean("a\u{1b}]8;;http://x\u{1b}\\b"), "ab");
        assert_eq!(clean("x\u{9b}2Jy"), "xy");
        assert_eq!(clean("abc\u{202e}fed\u{2066}"), "abcfed");
        assert_eq!(clean("l1\nRisk 0.00\r\tx"), "l1 Risk 0.00  x");
        assert_eq!(clean("a\u{0}\u{7}\u{8}\u{7f}\u{85}b"), "a b");
        assert_eq!(
            clean("Giá sốc 🔥 hàng chính hãng"),
            "Giá sốc 🔥 hàng chính hãng"
        );
        assert!(matches!(clean("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
