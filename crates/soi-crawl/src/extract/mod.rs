//! Turning one fetched page into listings, sellers and links.
//!
//! Generic first: schema.org JSON-LD, then microdata, then OpenGraph (only when neither gave a
//! product). A marketplace's CSS rules then fill fields the generic pass left empty, or, with a
//! `container`, read many listing cards from a list page. Records are merged by id and capped per
//! page ([`merge`]). Extraction is synchronous and owns no parsed document after it returns; the
//! crawl runs it on a blocking thread so a big page does not stall the runtime.

pub mod api;
pub mod assign;
pub mod charset;
mod css;
mod embedded;
pub mod facts;
mod jsonld;
mod links;
pub mod merge;
mod microdata;
mod opengraph;
pub mod schema;
pub mod value;

use std::collections::BTreeMap;

use scraper::Html;
use serde_json::Value;
use soi_model::{Listing, Seller};
use url::Url;

pub use links::Link;
use merge::Merged;

use crate::config::Compiled;
use schema::{id_from_url, listing_from_product, seller_from, PRODUCT_TYPES, SELLER_TYPES};
use value::is_a;

/// What the extractor knows about where a page came from.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub marketplace: &'a str,
    /// Home country of the marketplace (ISO alpha-2).
    pub country: &'a str,
    /// Currency assumed when the page states none.
    pub currency: Option<&'a str>,
    pub page_url: &'a Url,
    /// `[values]`: abroad words and raw value maps.
    pub facts: &'a facts::Facts,
    /// What relative dates ("3 năm trước") count back from.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl<'a> Ctx<'a> {
    /// The context of a page of marketplace `c`, read now.
    pub fn new(c: &'a Compiled, page_url: &'a Url) -> Ctx<'a> {
        let cfg = &c.config;
        Ctx {
            marketplace: &cfg.id,
            country: &cfg.country,
            currency: cfg.currency.as_deref(),
            page_url,
            facts: &c.facts,
            now: chrono::Utc::now(),
        }
    }

    /// `u` resolved against the page URL.
    pub fn absolute(&self, u: &str) -> Option<String> {
        self.page_url.join(u.trim()).ok().map(|mut x| {
            x.set_fragment(None);
            x.to_string()
        })
    }

    /// Sets the marketplace and the cross-border flag of a seller: registered in another
    /// country, or shipping from abroad by its `ship_from` (`Nước ngoài`) even with no country.
    pub fn finish_seller(&self, s: &mut Seller) {
        s.marketplace = self.marketplace.to_string();
        s.cross_border = s
            .country
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case(self.country))
            || s.ship_from.as_deref().is_some_and(|w| self.facts.abroad(w));
    }
}

/// What a page is, by the marketplace's link rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageRole {
    pub listing: bool,
    pub seller: bool,
}

/// Everything read from one page.
#[derive(Debug, Default)]
pub struct PageExtract {
    pub listings: Vec<Listing>,
    pub sellers: Vec<Seller>,
    pub links: Vec<Link>,
    /// Things wrong with the page that did not stop extraction (malformed JSON-LD, a listing page
    /// without a product).
    pub problems: Vec<String>,
    /// Listings and sellers over `limits.max_items_per_page`, left out.
    pub over_cap: usize,
}

/// The role of a page by its URL.
pub fn role(c: &Compiled, url: &Url) -> PageRole {
    let pq = path_query(url);
    let any = |res: &[regex::Regex]| res.iter().any(|r| r.is_match(&pq));
    PageRole {
        listing: if c.listing.is_empty() {
            true
        } else {
            any(&c.listing)
        },
        seller: any(&c.seller) || c.seller_css.as_ref().is_some_and(|r| any(&r.pages)),
    }
}

/// The path and query of a URL, as link rules see it.
pub fn path_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Reads one HTML page, keeping at most `limits.max_items_per_page` listings and as many
/// sellers.
pub fn extract_page(c: &Compiled, page_url: &Url, html: &str, role: PageRole) -> PageExtract {
    let doc = Html::parse_document(html);
    let cfg = &c.config;
    let ctx = Ctx::new(c, page_url);
    let cap = cfg.limits.max_items_per_page;
    let mut found = Found {
        listings: Merged::new(cap),
        sellers: Merged::new(cap),
        problems: vec![],
        links: vec![],
        over: 0,
    };
    // A page that is neither a listing nor a seller page (a list page read by CSS cards) has
    // nothing the generic pass would keep.
    if cfg.extract.generic && (role.listing || role.seller) {
        generic(&doc, &ctx, role, &mut found);
    }
    let pq = path_query(page_url);
    if let Some(rules) = &c.listing_css {
        let applies = if !rules.pages.is_empty() {
            rules.pages.iter().any(|r| r.is_match(&pq))
        } else {
            rules.container.is_some() || role.listing
        };
        if applies {
            for rec in css::records(&doc, rules) {
                match listing_from_fields(&rec, &ctx) {
                    Ok(l) => found.listings.listing(l, rules.container.is_none()),
                    Err(e) => found.problems.push(e),
                }
            }
        }
    }
    for src in &c.embedded {
        embedded::read(&doc, src, &ctx, &mut found);
    }
    if let Some(rules) = &c.seller_css {
        if role.seller {
            for rec in css::records(&doc, rules) {
                match seller_from_fields(&rec, &ctx) {
                    Ok(s) => found.sellers.seller(s),
                    Err(e) => found.problems.push(e),
                }
            }
        }
    }
    if role.listing && !c.listing.is_empty() && found.listings.is_empty() {
        found
            .problems
            .push("listing page without any product".into());
    }
    let over_cap = found.listings.dropped + found.sellers.dropped + found.over;
    if over_cap > 0 {
        found.problems.push(format!(
            "{over_cap} listings or sellers over the cap of {cap} per page (limits.max_items_per_page) left out"
        ));
    }
    let mut page_links = links::links(&doc, page_url);
    page_links.append(&mut found.links);
    PageExtract {
        links: page_links,
        listings: found.listings.into_items(),
        sellers: found.sellers.into_items(),
        problems: found.problems,
        over_cap,
    }
}

/// What the passes over one page collect.
struct Found {
    listings: Merged<Listing>,
    sellers: Merged<Seller>,
    problems: Vec<String>,
    /// Listing URLs named by embedded JSON (catalog pages that render their cards from data).
    links: Vec<Link>,
    /// Embedded items past the per-page cap, not read at all.
    over: usize,
}

fn generic(doc: &Html, ctx: &Ctx, role: PageRole, out: &mut Found) {
    let (mut nodes, problems) = jsonld::nodes(doc);
    out.problems.extend(problems);
    let has_product = |ns: &[Value]| ns.iter().any(|n| is_a(n, PRODUCT_TYPES));
    if !has_product(&nodes) {
        let md = microdata::nodes(doc);
        nodes.extend(md);
    }
    if role.listing && !has_product(&nodes) {
        nodes.extend(opengraph::product(doc));
    }
    for n in &nodes {
        if role.listing && is_a(n, PRODUCT_TYPES) {
            match listing_from_product(n, ctx) {
                Ok(l) => out.listings.listing(l, false),
                Err(e) => out.problems.push(e),
            }
        } else if role.seller && is_a(n, SELLER_TYPES) {
            match seller_from(n, ctx) {
                Ok(s) => out.sellers.seller(s),
                Err(e) => out.problems.push(e),
            }
        }
    }
}

fn listing_from_fields(f: &BTreeMap<String, String>, ctx: &Ctx) -> Result<Listing, String> {
    let get = |k: &str| f.get(k).cloned();
    let title = get("title").ok_or_else(|| {
        format!(
            "CSS rules found a record without a title (fields: {})",
            f.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let url = get("url").and_then(|u| ctx.absolute(&u));
    let id = get("id")
        .or_else(|| url.as_deref().and_then(id_from_url))
        .ok_or_else(|| format!("CSS rules found `{title}` without an id or URL"))?;
    let price = get("price").and_then(|p| soi_price::parse_price_or(&p, ctx.currency).ok());
    let seller = get("seller_id")
        .or_else(|| {
            get("seller_url").and_then(|u| ctx.absolute(&u).as_deref().and_then(id_from_url))
        })
        .map(|sid| {
            let mut s = Seller::new(ctx.marketplace, &sid);
            s.name = get("seller_name");
            ctx.finish_seller(&mut s);
            s
        });
    Ok(Listing {
        id,
        marketplace: ctx.marketplace.to_string(),
        title,
        url,
        description: get("description"),
        currency: get("currency")
            .and_then(|c| {
                soi_price::detect_currency(&c)
                    .map(str::to_string)
                    .or(Some(c))
            })
            .or(price.and_then(|p| p.currency.map(str::to_string))),
        price: price.map(|p| p.amount),
        category: get("category"),
        images_count: get("images").and_then(|n| n.parse().ok()),
        seller,
        ..Default::default()
    })
}

fn seller_from_fields(f: &BTreeMap<String, String>, ctx: &Ctx) -> Result<Seller, String> {
    let id = f
        .get("id")
        .cloned()
        .or_else(|| {
            f.get("url")
                .and_then(|u| ctx.absolute(u))
                .as_deref()
                .and_then(id_from_url)
        })
        .or_else(|| id_from_url(ctx.page_url.as_str()))
        .ok_or("seller page without an id")?;
    let mut s = Seller::new(ctx.marketplace, &id);
    for (k, v) in f {
        api::set_seller_field(&mut s, k, Value::String(v.clone()), ctx);
    }
    ctx.finish_seller(&mut s);
    Ok(s)
}
