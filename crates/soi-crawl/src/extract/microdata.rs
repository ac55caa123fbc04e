//! HTML microdata (`itemscope`/`itemtype`/`itemprop`) as schema.org JSON nodes.

use scraper::{ElementRef, Html, Selector};
use serde_json::{Map, Value};
use std::sync::LazyLock;

static TOP: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("[itemscope][itemtype]").unwrap_or_else(|_| unreachable!("static selector"))
});

/// Every top-level item (an `itemscope` that is not itself an `itemprop` of another item).
pub fn nodes(doc: &Html) -> Vec<Value> {
    doc.select(&TOP)
        .filter(|el| el.value().attr("itemprop").is_none())
        .map(|el| item(el, 0))
        .collect()
}

fn item(scope: ElementRef, depth: usize) -> Value {
    let mut obj = Map::new();
    if let Some(t) = scope.value().attr("itemtype") {
        obj.insert("@type".into(), Value::String(t.trim().to_string()));
    }
    collect(scope, &mut obj, depth);
    Value::Object(obj)
}

/// Walks descendants, stopping at nested scopes (they become nested objects).
fn collect(el: ElementRef, obj: &mut Map<String, Value>, depth: usize) {
    for child in el.children().filter_map(ElementRef::wrap) {
        let v = child.value();
        let nested = v.attr("itemscope").is_some();
        if let Some(props) = v.attr("itemprop") {
            let value = if nested && depth < 6 {
                item(child, depth + 1)
            } else {
                Value::String(prop_value(child))
            };
            for p in props.split_whitespace() {
                match obj.get_mut(p) {
                    Some(Value::Array(a)) => a.push(value.clone()),
                    Some(existing) => {
                        let first = existing.take();
                        *existing = Value::Array(vec![first, value.clone()]);
                    }
                    None => {
                        obj.insert(p.to_string(), value.clone());
                    }
                }
            }
        }
        if !nested {
            collect(child, obj, depth);
        }
    }
}

fn prop_value(el: ElementRef) -> String {
    let v = el.value();
    let attr = match v.name() {
        "meta" => v.attr("content"),
        "a" | "link" | "area" => v.attr("href"),
        "img" | "audio" | "video" | "source" | "embed" | "iframe" => v.attr("src"),
        "time" => v.attr("datetime"),
        "data" | "meter" => v.attr("value"),
        _ => v.attr("content"),
    };
    attr.map(str::to_string)
        .unwrap_or_else(|| el.text().collect::<String>())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
