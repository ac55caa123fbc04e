//! JSON API sources: field paths such as `item_basic.name` or `images[0]` map API items onto
//! listings and sellers.

use serde_json::Value;
use soi_model::{Listing, Seller};

use super::schema::{apply_property, country_code};
use super::value::{count, date, items, number, text};
use super::Ctx;
use crate::config::ApiSource;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Parses `a.b[0].c`; `None` when malformed. The empty path is the value itself.
pub fn parse_path(path: &str) -> Option<Vec<Seg>> {
    let mut segs = vec![];
    if path.trim().is_empty() {
        return Some(segs);
    }
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() && rest.is_empty() {
            return None;
        }
        if !key.is_empty() {
            segs.push(Seg::Key(key.to_string()));
        }
        while !rest.is_empty() {
            let close = rest.find(']')?;
            let idx: usize = rest.get(1..close)?.trim().parse().ok()?;
            segs.push(Seg::Index(idx));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return None;
            }
        }
    }
    Some(segs)
}

/// The value at `path` in `v`.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let segs = parse_path(path)?;
    let mut cur = v;
    for s in &segs {
        cur = match s {
            Seg::Key(k) => cur.get(k.as_str())?,
            Seg::Index(i) => cur.get(*i)?,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// The items of one API page.
pub fn page_items<'a>(doc: &'a Value, api: &ApiSource) -> Vec<&'a Value> {
    get(doc, &api.items).map(items).unwrap_or_default()
}

fn at(item: &Value, api: &ApiSource, field: &str) -> Option<Value> {
    api.fields
        .get(field)
        .and_then(|path| get(item, path))
        .cloned()
}

/// A listing from one API item.
pub fn listing(item: &Value, api: &ApiSource, ctx: &Ctx, base: &str) -> Result<Listing, String> {
    let s = |f: &str| at(item, api, f).as_ref().and_then(text);
    let id = s("id").ok_or("item without `id`")?;
    let title = s("title").ok_or_else(|| format!("item {id} without `title`"))?;
    let price = at(item, api, "price").and_then(|v| match &v {
        Value::String(t) => soi_price::parse_price_or(t, ctx.currency)
            .ok()
            .map(|p| p.amount),
        _ => number(&v),
    });
    let seller = seller_part(item, api, ctx);
    let url = s("url").and_then(|u| ctx.absolute(&u)).or_else(|| {
        api.listing_url.as_ref().map(|t| {
            t.replace("{base}", base.trim_end_matches('/'))
                .replace("{id}", &id)
                .replace(
                    "{seller_id}",
                    seller.as_ref().map(|s| s.id.as_str()).unwrap_or(""),
                )
        })
    });
    Ok(Listing {
        marketplace: ctx.marketplace.to_string(),
        title,
        url,
        description: s("description"),
        price: price.map(|p| p / api.price_divisor),
        currency: s("currency").or(ctx.currency.map(str::to_string)),
        category: s("category"),
        images_count: at(item, api, "images").map(|v| match &v {
            Value::Array(a) => a.len() as u32,
            other => count(other).map(|c| c as u32).unwrap_or(1),
        }),
        seller,
        id,
        ..Default::default()
    })
}

/// The `seller.*` fields of a listing item.
fn seller_part(item: &Value, api: &ApiSource, ctx: &Ctx) -> Option<Seller> {
    let sub: Vec<(&str, &String)> = api
        .fields
        .iter()
        .filter_map(|(k, p)| k.strip_prefix("seller.").map(|f| (f, p)))
        .collect();
    let id = sub
        .iter()
        .find(|(f, _)| *f == "id")
        .and_then(|(_, p)| get(item, p))
        .and_then(text)?;
    let mut s = Seller::new(ctx.marketplace, &id);
    for (f, p) in sub {
        if let Some(v) = get(item, p) {
            set_seller_field(&mut s, f, v);
        }
    }
    ctx.finish_seller(&mut s);
    Some(s)
}

/// A seller from one API item.
pub fn seller(item: &Value, api: &ApiSource, ctx: &Ctx) -> Result<Seller, String> {
    let id = at(item, api, "id")
        .as_ref()
        .and_then(text)
        .ok_or("item without `id`")?;
    let mut s = Seller::new(ctx.marketplace, &id);
    for (f, p) in &api.fields {
        if let Some(v) = get(item, p) {
            set_seller_field(&mut s, f, v);
        }
    }
    ctx.finish_seller(&mut s);
    Ok(s)
}

fn set_seller_field(s: &mut Seller, f: &str, v: &Value) {
    match f {
        "id" | "url" => {}
        "name" => s.name = text(v),
        "country" => s.country = text(v).map(|c| country_code(&c)),
        "joined_at" => s.joined_at = date(v),
        other => apply_property(s, other, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        let v = json!({"a": {"b": [{"c": 1}, {"c": "x"}]}});
        assert_eq!(get(&v, "a.b[1].c"), Some(&json!("x")));
        assert_eq!(get(&v, "a.b[2].c"), None);
        assert!(parse_path("a..b").is_none());
        assert!(parse_path("a[x]").is_none());
        assert!(parse_path("a[0]b").is_none());
        assert_eq!(parse_path("").unwrap(), vec![]);
    }
}
