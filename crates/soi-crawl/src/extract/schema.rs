//! schema.org `Product`/`Offer`/`AggregateRating`/`Review` and `Organization`/`Person` as
//! listings and sellers. JSON-LD, microdata and OpenGraph are all turned into this JSON shape
//! first, so one mapping serves all three.

use serde_json::Value;
use soi_model::{Listing, Review, Seller};

use super::value::{count, date, field, first_object, flag, items, number, text};
use super::Ctx;

pub const PRODUCT_TYPES: &[&str] = &[
    "Product",
    "IndividualProduct",
    "ProductModel",
    "ProductGroup",
];
pub const SELLER_TYPES: &[&str] = &[
    "Organization",
    "Person",
    "Store",
    "OnlineStore",
    "OnlineBusiness",
    "LocalBusiness",
    "Corporation",
];

/// A listing from a `Product` node; `Err` says what is missing.
pub fn listing_from_product(p: &Value, ctx: &Ctx) -> Result<Listing, String> {
    let title = field(p, "name").ok_or("Product without a `name`")?;
    let offer = p.get("offers").and_then(first_object);
    let url = offer
        .and_then(|o| field(o, "url"))
        .or_else(|| field(p, "url"))
        .and_then(|u| ctx.absolute(&u));
    let id = ["sku", "productID", "mpn", "gtin13", "gtin"]
        .iter()
        .find_map(|k| field(p, k))
        .or_else(|| url.as_deref().and_then(id_from_url))
        .or_else(|| id_from_url(ctx.page_url.as_str()))
        .ok_or("Product without an id (sku, productID or URL)")?;
    let (price, currency) = offer.map(|o| price_of(o, ctx)).unwrap_or((None, None));
    let seller = offer
        .and_then(|o| o.get("seller"))
        .or_else(|| p.get("seller"))
        .and_then(first_object)
        .and_then(|s| seller_from(s, ctx).ok());
    let reviews = p
        .get("review")
        .map(items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            let text = field(r, "reviewBody").or_else(|| field(r, "description"))?;
            let rating = r
                .get("reviewRating")
                .and_then(|rr| rr.get("ratingValue"))
                .and_then(number);
            Some(Review { text, rating })
        })
        .collect();
    Ok(Listing {
        id,
        marketplace: ctx.marketplace.to_string(),
        title,
        url: url.or_else(|| Some(ctx.page_url.to_string())),
        description: field(p, "description"),
        price,
        currency,
        category: p.get("category").and_then(text),
        images_count: p.get("image").map(|i| items(i).len() as u32),
        seller,
        reviews,
        ..Default::default()
    })
}

/// Price and currency of an `Offer` or `AggregateOffer`.
fn price_of(o: &Value, ctx: &Ctx) -> (Option<f64>, Option<String>) {
    let stated_currency = field(o, "priceCurrency");
    let raw = ["price", "lowPrice"]
        .iter()
        .find_map(|k| o.get(*k))
        .or_else(|| o.get("priceSpecification").and_then(|s| s.get("price")));
    let default = stated_currency.as_deref().or(ctx.currency);
    let parsed = match raw {
        Some(Value::Number(n)) => n.as_f64().map(|f| (f, None)),
        Some(v) => text(v).and_then(|t| {
            soi_price::parse_price_or(&t, default)
                .ok()
                .map(|p| (p.amount, p.currency))
        }),
        None => None,
    };
    match parsed {
        Some((amount, cur)) => (
            Some(amount),
            stated_currency
                .or(cur.map(str::to_string))
                .or(ctx.currency.map(str::to_string)),
        ),
        None => (None, stated_currency),
    }
}

/// A seller from an `Organization`/`Person` node.
pub fn seller_from(s: &Value, ctx: &Ctx) -> Result<Seller, String> {
    let url = field(s, "url").and_then(|u| ctx.absolute(&u));
    let id = field(s, "identifier")
        .or_else(|| url.as_deref().and_then(id_from_url))
        .or_else(|| field(s, "name").map(|n| slug(&n)))
        .ok_or("seller without identifier, url or name")?;
    let country = s
        .get("address")
        .and_then(first_object)
        .and_then(|a| a.get("addressCountry"))
        .or_else(|| s.get("addressCountry"))
        .or_else(|| s.get("nationality"))
        .and_then(text)
        .map(|c| country_code(&c));
    let rating = s.get("aggregateRating").and_then(first_object);
    let mut seller = Seller {
        id,
        marketplace: ctx.marketplace.to_string(),
        name: field(s, "name"),
        joined_at: s
            .get("foundingDate")
            .or_else(|| s.get("memberSince"))
            .and_then(date),
        rating: rating.and_then(|r| r.get("ratingValue")).and_then(number),
        rating_count: rating
            .and_then(|r| r.get("ratingCount").or_else(|| r.get("reviewCount")))
            .and_then(count),
        country,
        ..Default::default()
    };
    for prop in s.get("additionalProperty").map(items).unwrap_or_default() {
        let (Some(name), Some(v)) = (field(prop, "name"), prop.get("value")) else {
            continue;
        };
        apply_property(&mut seller, &name, v);
    }
    ctx.finish_seller(&mut seller);
    Ok(seller)
}

/// Applies one named seller fact (`shipFrom`, `followers`, `official`, `verified`...).
pub fn apply_property(seller: &mut Seller, name: &str, v: &Value) {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    match key.as_str() {
        "shipfrom" | "shipsfrom" => seller.ship_from = text(v),
        "followers" | "followercount" => seller.followers = count(v),
        "official" | "officialstore" | "mall" => seller.official = flag(v).unwrap_or(false),
        "verified" => seller.verified = flag(v).unwrap_or(false),
        "country" => seller.country = text(v).map(|c| country_code(&c)),
        "joined" | "joinedat" | "joindate" => seller.joined_at = date(v),
        "rating" => seller.rating = number(v),
        "ratingcount" => seller.rating_count = count(v),
        _ => {}
    }
}

/// Two-letter codes upper-cased; a few common country names mapped.
pub fn country_code(c: &str) -> String {
    let t = c.trim();
    if t.len() == 2 {
        return t.to_ascii_uppercase();
    }
    match t.to_lowercase().as_str() {
        "vietnam" | "viet nam" | "việt nam" => "VN".into(),
        "china" | "mainland china" | "trung quốc" | "中国" => "CN".into(),
        "taiwan" | "đài loan" | "台灣" | "台湾" => "TW".into(),
        "hong kong" | "香港" => "HK".into(),
        "united states" | "usa" => "US".into(),
        "korea" | "south korea" | "hàn quốc" => "KR".into(),
        "japan" | "nhật bản" => "JP".into(),
        "thailand" | "thái lan" => "TH".into(),
        "singapore" => "SG".into(),
        "malaysia" => "MY".into(),
        _ => t.to_string(),
    }
}

/// An id from a URL: the last path segment without its extension (`/listings/a12.html` -> `a12`).
pub fn id_from_url(u: &str) -> Option<String> {
    let parsed = url::Url::parse(u).ok()?;
    let seg = parsed
        .path_segments()?
        .rev()
        .find(|s| !s.is_empty())?
        .to_string();
    let stem = seg.split_once('.').map_or(seg.as_str(), |(a, _)| a);
    (!stem.is_empty() && stem != "index").then(|| stem.to_string())
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}
