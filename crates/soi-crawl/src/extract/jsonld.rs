//! `<script type="application/ld+json">` blocks as schema.org nodes.

use scraper::{Html, Selector};
use serde_json::Value;
use std::sync::LazyLock;

use super::value::{is_a, items};

static SCRIPT: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("script[type]").unwrap_or_else(|_| unreachable!("static selector"))
});

/// Top-level nodes of every JSON-LD block (with `@graph` and `ItemList` entries unfolded), and a
/// message per block that is not valid JSON (truncated pages often cut one in half).
pub fn nodes(doc: &Html) -> (Vec<Value>, Vec<String>) {
    let mut out = vec![];
    let mut problems = vec![];
    for (i, el) in doc.select(&SCRIPT).enumerate() {
        let ty = el.value().attr("type").unwrap_or("");
        if !ty
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/ld+json")
        {
            continue;
        }
        let raw: String = el.text().collect();
        let cleaned = raw
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim()
            .trim_end_matches(';');
        if cleaned.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(cleaned) {
            Ok(v) => unfold(v, &mut out, 0),
            Err(e) => problems.push(format!("malformed JSON-LD block {}: {e}", i + 1)),
        }
    }
    (out, problems)
}

fn unfold(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(a) => a.into_iter().for_each(|x| unfold(x, out, depth + 1)),
        Value::Object(mut o) => {
            if let Some(g) = o.remove("@graph") {
                unfold(g, out, depth + 1);
            }
            let node = Value::Object(o);
            if is_a(&node, &["ItemList", "OfferCatalog"]) {
                for el in node.get("itemListElement").map(items).unwrap_or_default() {
                    let inner = el.get("item").cloned().unwrap_or_else(|| el.clone());
                    unfold(inner, out, depth + 1);
                }
            }
            out.push(node);
        }
        _ => {}
    }
}
