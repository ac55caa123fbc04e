//! JSON items mapped onto listings and sellers by field paths such as `item_basic.name` or
//! `images[0]`: one mapping for API answers (`[[api]]`) and JSON embedded in pages
//! (`[[embedded]]`), so the two sources cannot drift apart.

use serde_json::Value;
use soi_model::{Listing, Seller};

use super::schema::{apply_property, country_code};
use super::value::{count, items, number, text};
use super::Ctx;
use crate::config::Mapping;

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

/// The items of one document: the array at the items path, or the one object there.
pub fn page_items<'a>(doc: &'a Value, m: &Mapping) -> Vec<&'a Value> {
    get(doc, m.items).map(items).unwrap_or_default()
}

/// The value of model field `field` in `item`, through `[values.map]`.
fn at(item: &Value, m: &Mapping, ctx: &Ctx, field: &str) -> Option<Value> {
    let v = m
        .fields
        .get(field)
        .and_then(|path| get(item, path))?
        .clone();
    let model_field = field.strip_prefix("seller.").unwrap_or(field);
    Some(ctx.facts.map(model_field, v))
}

/// The `{name}`s of a URL template, each `base`, `id`, `seller_id` or an item path; an error
/// names what is wrong.
pub fn template_names(t: &str) -> Result<Vec<&str>, String> {
    let mut names = vec![];
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("`{{` without `}}` in `{t}`"))?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') || parse_path(name).is_none() {
            return Err(format!("`{{{name}}}` in `{t}` is not a field path"));
        }
        names.push(name);
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// A template filled from an item: `None` when an item path in it has no value.
pub fn fill_template(
    t: &str,
    item: &Value,
    base: &str,
    id: &str,
    seller_id: Option<&str>,
) -> Option<String> {
    let mut out = t.to_string();
    for name in template_names(t).ok()? {
        let v = match name {
            "base" => base.trim_end_matches('/').to_string(),
            "id" => id.to_string(),
            "seller_id" => seller_id.unwrap_or("").to_string(),
            path => get(item, path).and_then(text)?,
        };
        out = out.replacen(&format!("{{{name}}}"), &v, 1);
    }
    Some(out)
}

/// A listing from one item; `base` is what `{base}` in the listing URL template means.
pub fn listing(item: &Value, m: &Mapping, ctx: &Ctx, base: &str) -> Result<Listing, String> {
    let s = |f: &str| at(item, m, ctx, f).as_ref().and_then(text);
    let id = s("id").ok_or("item without `id`")?;
    let title = s("title").ok_or_else(|| format!("item {id} without `title`"))?;
    let price = at(item, m, ctx, "price").and_then(|v| match &v {
        Value::String(t) => soi_price::parse_price_or(t, ctx.currency)
            .ok()
            .map(|p| p.amount),
        _ => number(&v),
    });
    let seller = seller_part(item, m, ctx);
    let url = s("url").and_then(|u| ctx.absolute(&u)).or_else(|| {
        m.listing_url.and_then(|t| {
            let sid = seller.as_ref().map(|s| s.id.as_str());
            fill_template(t, item, base, &id, sid).and_then(|u| ctx.absolute(&u))
        })
    });
    Ok(Listing {
        marketplace: ctx.marketplace.to_string(),
        title,
        url,
        description: at(item, m, ctx, "description").as_ref().and_then(lines),
        price: price.map(|p| p / m.price_divisor),
        currency: s("currency").or(ctx.currency.map(str::to_string)),
        category: s("category"),
        images_count: at(item, m, ctx, "images").map(|v| match &v {
            Value::Array(a) => a.len() as u32,
            other => count(other).map(|c| c as u32).unwrap_or(1),
        }),
        seller,
        id,
        ..Default::default()
    })
}

/// A text, or the lines of an array of texts (Lazada writes descriptions as a list of lines).
fn lines(v: &Value) -> Option<String> {
    match v {
        Value::Array(a) => {
            let joined: Vec<String> = a.iter().filter_map(text).collect();
            (!joined.is_empty()).then(|| joined.join("\n"))
        }
        other => text(other),
    }
}

/// The `seller.*` fields of a listing item.
fn seller_part(item: &Value, m: &Mapping, ctx: &Ctx) -> Option<Seller> {
    let sub: Vec<(&str, &String)> = m
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
            set_seller_field(&mut s, f, v.clone(), ctx);
        }
    }
    ctx.finish_seller(&mut s);
    Some(s)
}

/// A seller from one item.
pub fn seller(item: &Value, m: &Mapping, ctx: &Ctx) -> Result<Seller, String> {
    let id = at(item, m, ctx, "id")
        .as_ref()
        .and_then(text)
        .ok_or("item without `id`")?;
    let mut s = Seller::new(ctx.marketplace, &id);
    for (f, p) in m.fields {
        if let Some(v) = get(item, p) {
            set_seller_field(&mut s, f, v.clone(), ctx);
        }
    }
    ctx.finish_seller(&mut s);
    Ok(s)
}

/// Sets one seller field from a raw value, through `[values.map]`; CSS rules and JSON
/// mappings both come here.
pub fn set_seller_field(s: &mut Seller, f: &str, raw: Value, ctx: &Ctx) {
    let v = ctx.facts.map(f, raw);
    match f {
        "id" | "url" => {}
        "name" => s.name = text(&v),
        "country" => s.country = text(&v).map(|c| country_code(&c)),
        "joined_at" => s.joined_at = super::facts::joined_at(&v, ctx.now),
        other => apply_property(s, other, &v),
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

    #[test]
    fn templates_fill_from_item_paths() {
        let item = json!({"url_path": "x-p12.html?spid=3", "shop": {"slug": "s"}});
        let t = "{base}/{shop.slug}/{url_path}#{id}";
        assert_eq!(
            fill_template(t, &item, "http://h/", "12", None).as_deref(),
            Some("http://h/s/x-p12.html?spid=3#12")
        );
        assert_eq!(
            fill_template("{base}/{missing}", &item, "http://h", "1", None),
            None
        );
        assert!(template_names("{base}/{a..b}").is_err());
        assert!(template_names("{base}/{open").is_err());
    }
}
