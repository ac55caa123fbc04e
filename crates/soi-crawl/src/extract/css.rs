//! CSS selector rules: per field, selectors tried in order, text or an attribute (of a matched
//! element, or of the container itself: `"@data-asin"`), then an optional regex.

use std::collections::BTreeMap;

use scraper::{ElementRef, Html};

use crate::config::{CompiledField, CompiledRules, Pick};

/// Field values of each record the rules find: one per container element, or one for the page.
pub fn records(doc: &Html, rules: &CompiledRules) -> Vec<BTreeMap<String, String>> {
    match &rules.container {
        Some(c) => doc
            .select(c)
            .map(|el| fields(el, rules))
            .filter(|m| !m.is_empty())
            .collect(),
        None => {
            let m = fields(doc.root_element(), rules);
            if m.is_empty() {
                vec![]
            } else {
                vec![m]
            }
        }
    }
}

fn fields(scope: ElementRef, rules: &CompiledRules) -> BTreeMap<String, String> {
    rules
        .fields
        .iter()
        .filter_map(|(name, f)| value(scope, f).map(|v| (name.clone(), v)))
        .collect()
}

/// The first non-empty value the field's selectors yield in `scope`.
pub fn value(scope: ElementRef, f: &CompiledField) -> Option<String> {
    for (pick, attr) in &f.selectors {
        let els: Vec<ElementRef> = match pick {
            Pick::Within(sel) => scope.select(sel).collect(),
            Pick::Itself => vec![scope],
        };
        if f.count {
            if !els.is_empty() {
                return Some(els.len().to_string());
            }
            continue;
        }
        for el in els {
            let raw = match attr {
                Some(a) => el.value().attr(a).map(str::to_string),
                None => Some(el.text().collect::<Vec<_>>().join(" ")),
            };
            let Some(raw) = raw else { continue };
            let clean = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            let picked = match &f.regex {
                Some(re) => re.captures(&clean).and_then(|c| {
                    c.get(1)
                        .or_else(|| c.get(0))
                        .map(|m| m.as_str().to_string())
                }),
                None => Some(clean),
            };
            if let Some(v) = picked.filter(|v| !v.is_empty()) {
                return Some(v);
            }
        }
    }
    None
}
