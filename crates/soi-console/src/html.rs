//! The quoted evidence of a reason highlighted in the text it was found in: HTML the templates
//! cannot build themselves. Escaping is the report generator's ([`soi_report::html::esc`]).

use soi_report::html::esc as escape;

/// `text` escaped, with the characters `start..end` (character offsets, as reasons give them)
/// wrapped in `<mark>`, shortened to `context` characters either side. A range beyond the text
/// (a reason from an older text) is shown by its quoted evidence alone.
pub fn highlight(text: &str, start: usize, end: usize, evidence: &str, context: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if start > end || end > chars.len() {
        return format!("<mark>{}</mark>", escape(evidence));
    }
    let from = start.saturating_sub(context);
    let to = (end + context).min(chars.len());
    let part = |a: usize, b: usize| escape(&chars[a..b].iter().collect::<String>());
    format!(
        "{}{}<mark>{}</mark>{}{}",
        if from > 0 { "…" } else { "" },
        part(from, start),
        part(start, end),
        part(end, to),
        if to < chars.len() { "…" } else { "" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_by_character_offsets_in_context_and_escapes() {
        let t = "Giá rẻ <b> ib zalo 0901 để đặt cọc";
        let bytes = t.find("ib zalo").unwrap();
        let s = t[..bytes].chars().count();
        assert!(
            s < bytes,
            "the text has multi-byte characters before the span"
        );
        let h = highlight(t, s, s + 7, "ib zalo", 5);
        assert_eq!(h, "… &lt;b&gt; <mark>ib zalo</mark> 0901…");
        assert_eq!(
            highlight(t, 30, 99, "x<", 5),
            "<mark>x&lt;</mark>",
            "beyond the text"
        );
        assert_eq!(highlight("abc", 0, 3, "abc", 5), "<mark>abc</mark>");
    }
}
