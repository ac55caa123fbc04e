//! `[[embedded]]` sources: JSON inside a page (`<script id="__NEXT_DATA__">`, or the value
//! assigned to `window.pageData`), mapped onto listings and sellers by the same field mapping
//! as API answers ([`super::api`]).
//!
//! Why: Tiki, Lazada and many shops render their pages from JSON they ship inside the page;
//! the markup around it is generated and changes with every redesign, the data far less.
//! The JSON is bounded ([`MAX_JSON_BYTES`]) and so are the items read from it (the per-page
//! cap); each failure names the source and what was wrong.

use scraper::{Html, Selector};
use serde_json::Value;

use super::api;
use super::assign::{self, MAX_JSON_BYTES};
use super::links::Link;
use super::{path_query, Ctx, Found};
use crate::config::{ApiKind, CompiledEmbedded};

/// Reads one source on one page into `out` (nothing when its `pages` do not match).
pub(super) fn read(doc: &Html, src: &CompiledEmbedded, ctx: &Ctx, out: &mut Found) {
    let pq = path_query(ctx.page_url);
    if !src.pages.is_empty() && !src.pages.iter().any(|r| r.is_match(&pq)) {
        return;
    }
    let name = &src.source.name;
    let json = match document(doc, src) {
        Ok(v) => v,
        Err(e) => {
            out.problems.push(format!("embedded `{name}`: {e}"));
            return;
        }
    };
    let m = src.source.mapping();
    let items = api::page_items(&json, &m);
    if items.is_empty() {
        out.problems.push(format!(
            "embedded `{name}`: no items at `{}`",
            src.source.items
        ));
        return;
    }
    let cap = out.listings.cap();
    out.over += items.len().saturating_sub(cap);
    let base = ctx.page_url.origin().ascii_serialization();
    // One item on a page is the page's own product: without a URL of its own it has the page's.
    let only = items.len() == 1;
    for item in items.into_iter().take(cap) {
        match m.kind {
            ApiKind::Listing => match api::listing(item, &m, ctx, &base) {
                Ok(mut l) => {
                    if only && l.url.is_none() {
                        l.url = Some(ctx.page_url.to_string());
                    }
                    if let Some(url) = l.url.as_deref().and_then(|u| url::Url::parse(u).ok()) {
                        out.links.push(Link {
                            url,
                            rel_next: false,
                        });
                    }
                    out.listings.listing(l, false);
                }
                Err(e) => out.problems.push(format!("embedded `{name}`: {e}")),
            },
            ApiKind::Seller => match api::seller(item, &m, ctx) {
                Ok(s) => out.sellers.seller(s),
                Err(e) => out.problems.push(format!("embedded `{name}`: {e}")),
            },
        }
    }
}

/// The source's JSON document on this page.
fn document(doc: &Html, src: &CompiledEmbedded) -> Result<Value, String> {
    match (&src.script, &src.source.assign) {
        (Some(sel), _) => {
            let el = doc
                .select(sel)
                .next()
                .ok_or_else(|| format!("no element matches `{}`", selector_text(src)))?;
            let text: String = el.text().collect();
            if text.len() > MAX_JSON_BYTES {
                return Err(format!(
                    "`{}` holds {} bytes, more than the {MAX_JSON_BYTES}-byte cap",
                    selector_text(src),
                    text.len()
                ));
            }
            serde_json::from_str(text.trim())
                .map_err(|e| format!("`{}` is not JSON: {e}", selector_text(src)))
        }
        (None, Some(name)) => {
            let scripts = Selector::parse("script").map_err(|e| e.to_string())?;
            let mut first_err = None;
            for el in doc.select(&scripts) {
                let text: String = el.text().collect();
                match assign::assigned(&text, name, MAX_JSON_BYTES) {
                    Ok(raw) => {
                        return serde_json::from_str(raw).map_err(|e| {
                            format!("the value assigned to `{name}` is not JSON: {e}")
                        })
                    }
                    Err(e @ assign::AssignError::NotAssigned { .. }) => {
                        first_err.get_or_insert(e);
                    }
                    Err(e) => first_err = Some(e),
                }
            }
            Err(first_err
                .map(|e| e.to_string())
                .unwrap_or_else(|| format!("no scripts on the page to find `{name}` in")))
        }
        (None, None) => Err("neither `script` nor `assign` given".into()),
    }
}

fn selector_text(src: &CompiledEmbedded) -> &str {
    src.source.script.as_deref().unwrap_or("")
}
