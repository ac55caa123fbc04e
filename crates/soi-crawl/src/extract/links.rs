//! Links on a page: every `<a href>`, and which of them are `rel="next"`.

use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

static HREFS: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("a[href], link[rel][href], area[href]")
        .unwrap_or_else(|_| unreachable!("static selector"))
});

/// A link found on a page (absolute, fragment dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: Url,
    pub rel_next: bool,
}

/// Links of `doc`, resolved against `base` (or the page's `<base href>`).
pub fn links(doc: &Html, base: &Url) -> Vec<Link> {
    let mut out = vec![];
    for el in doc.select(&HREFS) {
        let v = el.value();
        let rel_next = v
            .attr("rel")
            .is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case("next")));
        if v.name() == "link" && !rel_next {
            continue;
        }
        let Some(href) = v.attr("href") else { continue };
        let Ok(mut url) = base.join(href.trim()) else {
            continue;
        };
        if url.scheme() != "http" && url.scheme() != "https" {
            continue;
        }
        url.set_fragment(None);
        out.push(Link { url, rel_next });
    }
    out
}
