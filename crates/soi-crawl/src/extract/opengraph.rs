//! OpenGraph `<meta property="og:...">` (and `product:price:*`) as a schema.org `Product` node,
//! used only when a listing page has no JSON-LD or microdata product.

use scraper::{Html, Selector};
use serde_json::{json, Value};
use std::sync::LazyLock;

static META: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("meta[content]").unwrap_or_else(|_| unreachable!("static selector"))
});

/// A `Product` node, when the page has at least `og:title`.
pub fn product(doc: &Html) -> Option<Value> {
    let mut title = None;
    let mut description = None;
    let mut url = None;
    let mut images = vec![];
    let mut price = None;
    let mut currency = None;
    let mut og_type = None;
    for m in doc.select(&META) {
        let v = m.value();
        let key = v.attr("property").or_else(|| v.attr("name")).unwrap_or("");
        let content = v.attr("content").unwrap_or("").trim().to_string();
        match key.to_ascii_lowercase().as_str() {
            "og:title" => title = Some(content),
            "og:description" => description = Some(content),
            "og:url" => url = Some(content),
            "og:image" | "og:image:url" => images.push(content),
            "og:type" => og_type = Some(content),
            "product:price:amount" | "og:price:amount" => price = Some(content),
            "product:price:currency" | "og:price:currency" => currency = Some(content),
            _ => {}
        }
    }
    let title = title.filter(|t| !t.is_empty())?;
    // A plain article or website without a price is not a listing.
    if price.is_none() && !og_type.as_deref().is_some_and(|t| t.contains("product")) {
        return None;
    }
    let mut node = json!({"@type": "Product", "name": title, "image": images});
    if let Some(d) = description {
        node["description"] = json!(d);
    }
    if let Some(u) = &url {
        node["url"] = json!(u);
    }
    if price.is_some() || currency.is_some() {
        node["offers"] =
            json!({"@type": "Offer", "price": price, "priceCurrency": currency, "url": url});
    }
    Some(node)
}
