//! Checking a config's meaning and compiling its regexes and selectors once.

use regex::Regex;
use scraper::Selector;
use url::Url;

use super::{ApiKind, ApiSource, CssRules, EmbeddedSource, FieldRule, Mapping, MarketplaceConfig};
use crate::extract::facts::Facts;

/// A problem and a piece of text that locates it in the file.
type Problem = (String, Option<String>);

const LISTING_FIELDS: &[&str] = &[
    "id",
    "title",
    "url",
    "description",
    "price",
    "currency",
    "category",
    "images",
    "seller_id",
    "seller_name",
    "seller_url",
];
const SELLER_FIELDS: &[&str] = &[
    "id",
    "name",
    "url",
    "country",
    "ship_from",
    "joined_at",
    "rating",
    "rating_count",
    "followers",
    "official",
    "verified",
];

/// A config with its patterns compiled, ready to crawl.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub config: MarketplaceConfig,
    pub listing: Vec<Regex>,
    pub seller: Vec<Regex>,
    pub pagination: Vec<Regex>,
    pub follow: Vec<Regex>,
    pub listing_css: Option<CompiledRules>,
    pub seller_css: Option<CompiledRules>,
    pub embedded: Vec<CompiledEmbedded>,
    /// `[values]` with the default abroad words.
    pub facts: Facts,
}

/// An `[[embedded]]` source with its page filter and selector compiled.
#[derive(Debug, Clone)]
pub struct CompiledEmbedded {
    pub source: EmbeddedSource,
    pub pages: Vec<Regex>,
    /// The element whose text is JSON (`script`); `None` when the source reads an assignment.
    pub script: Option<Selector>,
}

/// Which element a field selector reads.
#[derive(Debug, Clone)]
pub enum Pick {
    /// Elements matching the selector inside the record's scope.
    Within(Selector),
    /// The record's own element (the container): `"@data-asin"`.
    Itself,
}

/// CSS rules with selectors parsed.
#[derive(Debug, Clone)]
pub struct CompiledRules {
    pub container: Option<Selector>,
    pub pages: Vec<Regex>,
    pub fields: Vec<(String, CompiledField)>,
}

/// One field rule, compiled.
#[derive(Debug, Clone)]
pub struct CompiledField {
    /// Selectors in fallback order, each with the attribute it reads (`None`: the text).
    pub selectors: Vec<(Pick, Option<String>)>,
    pub regex: Option<Regex>,
    pub count: bool,
}

impl Compiled {
    /// Compiles `config`, or lists every problem in it.
    pub fn new(config: MarketplaceConfig) -> Result<Compiled, Vec<Problem>> {
        let mut p: Vec<Problem> = vec![];
        check_basics(&config, &mut p);
        let l = &config.links;
        let listing = regexes(&l.listing, "links.listing", &mut p);
        let seller = regexes(&l.seller, "links.seller", &mut p);
        let pagination = regexes(&l.pagination, "links.pagination", &mut p);
        let follow = regexes(&l.follow, "links.follow", &mut p);
        let listing_css = config
            .extract
            .listing
            .as_ref()
            .map(|r| css_rules(r, "extract.listing", LISTING_FIELDS, &mut p));
        let seller_css = config
            .extract
            .seller
            .as_ref()
            .map(|r| css_rules(r, "extract.seller", SELLER_FIELDS, &mut p));
        for api in &config.api {
            check_api(&config, api, &mut p);
        }
        let embedded = config
            .embedded
            .iter()
            .map(|e| embedded(e, &mut p))
            .collect();
        check_values(&config, &mut p);
        if let Some(problem) = config.screenshots.problem() {
            p.push((problem, Some("screenshots".into())));
        }
        if !p.is_empty() {
            return Err(p);
        }
        Ok(Compiled {
            listing,
            seller,
            pagination,
            follow,
            listing_css,
            seller_css,
            embedded,
            facts: Facts::new(&config.values),
            config,
        })
    }
}

fn check_basics(c: &MarketplaceConfig, p: &mut Vec<Problem>) {
    let id_ok = !c.id.is_empty()
        && c.id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_');
    if !id_ok {
        p.push((
            format!(
                "id `{}` must be non-empty lower-case ASCII letters, digits, `-` or `_`",
                c.id
            ),
            Some("id".into()),
        ));
    }
    if c.country.len() != 2 || !c.country.chars().all(|ch| ch.is_ascii_uppercase()) {
        p.push((
            format!(
                "country `{}` must be an ISO 3166-1 alpha-2 code such as \"VN\"",
                c.country
            ),
            Some("country".into()),
        ));
    }
    if let Some(cur) = &c.currency {
        if cur.len() != 3 || !cur.chars().all(|ch| ch.is_ascii_uppercase()) {
            p.push((
                format!("currency `{cur}` must be an ISO 4217 code such as \"VND\""),
                Some("currency".into()),
            ));
        }
    }
    if c.seeds.is_empty() && c.sitemaps.is_empty() && c.api.is_empty() {
        p.push((
            "nothing to crawl: give `seeds`, `sitemaps` or an `[[api]]` source".into(),
            Some("id".into()),
        ));
    }
    let uses_base = c
        .seeds
        .iter()
        .chain(&c.sitemaps)
        .chain(c.api.iter().map(|a| &a.url))
        .any(|u| u.contains("{base}"));
    if let Some(b) = &c.base_url {
        check_url(b, "base_url", p);
    }
    for u in c.seeds.iter().chain(&c.sitemaps) {
        check_url(&c.expand(u, Some("http://base.invalid")), u, p);
    }
    if uses_base && c.base_url.is_none() && c.local_site.is_none() {
        p.push((
            "`{base}` is used but neither `base_url` nor `local_site` says what it is".into(),
            Some("{base}".into()),
        ));
    }
    for h in &c.allowed_hosts {
        if h.is_empty() || h.contains('/') || h.contains(' ') {
            p.push((
                format!("allowed host `{h}` must be a bare host name such as \"shopee.vn\""),
                Some(h.clone()),
            ));
        }
    }
    let l = &c.limits;
    if !(l.requests_per_second.is_finite() && l.requests_per_second > 0.0) {
        p.push((
            "limits.requests_per_second must be a positive number".into(),
            Some("requests_per_second".into()),
        ));
    }
    for (v, name) in [
        (l.concurrency as u64, "concurrency"),
        (l.max_pages as u64, "max_pages"),
        (l.timeout_secs, "timeout_secs"),
        (l.max_body_bytes, "max_body_bytes"),
        (l.max_items_per_page as u64, "max_items_per_page"),
    ] {
        if v == 0 {
            p.push((
                format!("limits.{name} must be at least 1"),
                Some(name.into()),
            ));
        }
    }
    // Durations beyond these are typos or hostile, and would overflow time arithmetic.
    for (v, most, name) in [
        (l.timeout_secs, 3_600, "timeout_secs"),
        (l.backoff_ms, 3_600_000, "backoff_ms"),
        (l.max_retry_after_secs, 86_400, "max_retry_after_secs"),
    ] {
        if v > most {
            p.push((
                format!("limits.{name} = {v} is more than the most allowed, {most}"),
                Some(name.into()),
            ));
        }
    }
}

fn check_url(u: &str, needle: &str, p: &mut Vec<Problem>) {
    match Url::parse(u) {
        Ok(url) if url.scheme() == "http" || url.scheme() == "https" => {}
        Ok(_) => p.push((format!("`{u}` is not an http(s) URL"), Some(needle.into()))),
        Err(e) => p.push((format!("`{u}` is not a URL: {e}"), Some(needle.into()))),
    }
}

fn regexes(list: &[String], what: &str, p: &mut Vec<Problem>) -> Vec<Regex> {
    list.iter()
        .filter_map(|r| match Regex::new(r) {
            Ok(re) => Some(re),
            Err(e) => {
                p.push((format!("{what}: bad regex `{r}`: {e}"), Some(r.clone())));
                None
            }
        })
        .collect()
}

fn selector(s: &str, what: &str, p: &mut Vec<Problem>) -> Option<Selector> {
    match Selector::parse(s) {
        Ok(sel) => Some(sel),
        Err(e) => {
            p.push((
                format!("{what}: bad CSS selector `{s}`: {e}"),
                Some(s.into()),
            ));
            None
        }
    }
}

fn css_rules(r: &CssRules, what: &str, known: &[&str], p: &mut Vec<Problem>) -> CompiledRules {
    let container = r
        .container
        .as_deref()
        .and_then(|c| selector(c, &format!("{what}.container"), p));
    let pages = regexes(&r.pages, &format!("{what}.pages"), p);
    let mut fields = vec![];
    for (name, rule) in &r.fields {
        if !known.contains(&name.as_str()) {
            p.push((
                format!(
                    "{what}.fields: unknown field `{name}` (known: {})",
                    known.join(", ")
                ),
                Some(name.clone()),
            ));
            continue;
        }
        let (sels, attr, regex, count) = match rule {
            FieldRule::Selector(s) => (vec![s.clone()], None, None, false),
            FieldRule::Full(f) => (
                f.selectors.clone(),
                f.attr.clone(),
                f.regex.clone(),
                f.count,
            ),
        };
        if sels.is_empty() {
            p.push((
                format!("{what}.fields.{name}: no selectors"),
                Some(name.clone()),
            ));
        }
        let where_ = format!("{what}.fields.{name}");
        let selectors = sels
            .iter()
            .filter_map(|s| {
                let (sel, own_attr) = split_attr(s);
                let attr = own_attr.or(attr.clone());
                if sel.is_empty() {
                    return Some((Pick::Itself, attr));
                }
                selector(sel, &where_, p).map(|sel| (Pick::Within(sel), attr))
            })
            .collect();
        let regex = regex.and_then(|r| regexes(std::slice::from_ref(&r), &where_, p).pop());
        fields.push((
            name.clone(),
            CompiledField {
                selectors,
                regex,
                count,
            },
        ));
    }
    CompiledRules {
        container,
        pages,
        fields,
    }
}

/// `"img.photo @alt"` reads the `alt` attribute of `img.photo`; `"@data-asin"` (an empty
/// selector) reads the container's own attribute.
fn split_attr(s: &str) -> (&str, Option<String>) {
    let s = s.trim();
    let split = match s.strip_prefix('@') {
        Some(attr) => Some(("", attr)),
        None => s.rsplit_once(" @"),
    };
    if let Some((sel, attr)) = split {
        let attr = attr.trim();
        if !attr.is_empty()
            && attr
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
        {
            return (sel.trim(), Some(attr.to_string()));
        }
    }
    (s, None)
}

fn check_api(c: &MarketplaceConfig, a: &ApiSource, p: &mut Vec<Problem>) {
    let what = format!("api `{}`", a.name);
    let url = c
        .expand(&a.url, Some("http://base.invalid"))
        .replace("{page}", "1")
        .replace("{offset}", "0");
    check_url(&url, &a.url, p);
    if a.url.contains("{offset}") && a.page_size.is_none() {
        p.push((
            format!("{what}: `{{offset}}` in the URL needs `page_size`"),
            Some(a.url.clone()),
        ));
    }
    if a.page_size == Some(0) {
        p.push((
            format!("{what}: page_size must be at least 1"),
            Some("page_size".into()),
        ));
    }
    check_mapping(&a.mapping(), &what, p);
}

fn embedded(e: &EmbeddedSource, p: &mut Vec<Problem>) -> CompiledEmbedded {
    let what = format!("embedded `{}`", e.name);
    let script = match (&e.script, &e.assign) {
        (Some(s), None) => selector(s, &format!("{what}.script"), p),
        (None, Some(name)) => {
            if !crate::extract::assign::is_name(name) {
                p.push((
                    format!("{what}: assign `{name}` must be a script name such as `window.pageData` (letters, digits, `_`, `$`, `.`)"),
                    Some(name.clone()),
                ));
            }
            None
        }
        _ => {
            p.push((
                format!("{what}: give exactly one of `script` (a selector) or `assign` (a name)"),
                Some(e.name.clone()),
            ));
            None
        }
    };
    check_mapping(&e.mapping(), &what, p);
    CompiledEmbedded {
        pages: regexes(&e.pages, &format!("{what}.pages"), p),
        source: e.clone(),
        script,
    }
}

/// What `[[api]]` and `[[embedded]]` share: known fields, paths, templates, the divisor.
fn check_mapping(m: &Mapping, what: &str, p: &mut Vec<Problem>) {
    if !(m.price_divisor.is_finite() && m.price_divisor > 0.0) {
        p.push((
            format!("{what}: price_divisor must be a positive number"),
            Some("price_divisor".into()),
        ));
    }
    if crate::extract::api::parse_path(m.items).is_none() {
        p.push((
            format!("{what}: bad items path `{}`", m.items),
            Some(m.items.to_string()),
        ));
    }
    let known: &[&str] = match m.kind {
        ApiKind::Listing => LISTING_FIELDS,
        ApiKind::Seller => SELLER_FIELDS,
    };
    for (field, path) in m.fields {
        let seller_sub = field
            .strip_prefix("seller.")
            .is_some_and(|f| SELLER_FIELDS.contains(&f) && m.kind == ApiKind::Listing);
        if !known.contains(&field.as_str()) && !seller_sub {
            p.push((
                format!("{what}: unknown field `{field}`"),
                Some(field.clone()),
            ));
        }
        if crate::extract::api::parse_path(path).is_none() {
            p.push((
                format!("{what}: field `{field}`: bad path `{path}`"),
                Some(path.clone()),
            ));
        }
    }
    if let Some(t) = m.listing_url {
        if let Err(e) = crate::extract::api::template_names(t) {
            p.push((format!("{what}: listing_url: {e}"), Some(t.to_string())));
        }
    }
    if !m.fields.contains_key("id") {
        p.push((
            format!("{what}: fields must map `id`"),
            Some(m.name.to_string()),
        ));
    }
    if m.kind == ApiKind::Listing && !m.fields.contains_key("title") {
        p.push((
            format!("{what}: listing fields must map `title`"),
            Some(m.name.to_string()),
        ));
    }
}

fn check_values(c: &MarketplaceConfig, p: &mut Vec<Problem>) {
    for w in &c.values.abroad {
        if w.trim().is_empty() {
            p.push(("values.abroad: an empty word".into(), Some("abroad".into())));
        }
    }
    for field in c.values.map.keys() {
        if !LISTING_FIELDS.contains(&field.as_str()) && !SELLER_FIELDS.contains(&field.as_str()) {
            p.push((
                format!(
                    "values.map: unknown field `{field}` (known: {}, {})",
                    LISTING_FIELDS.join(", "),
                    SELLER_FIELDS.join(", ")
                ),
                Some(field.clone()),
            ));
        }
    }
}
