//! Sitemaps as seeds.

use url::Url;

use super::Run;
use crate::fetch::Fetcher;

impl Run<'_> {
    /// `<loc>` URLs of a sitemap (sitemap indexes followed one level).
    pub(super) async fn sitemap(&mut self, fetcher: &Fetcher, url: &str) -> Vec<Url> {
        let mut out = vec![];
        let mut todo = vec![(url.to_string(), 0)];
        while let Some((u, depth)) = todo.pop() {
            let Ok(parsed) = Url::parse(&u) else {
                continue;
            };
            if self.fetched_or_tried >= self.budget {
                break;
            }
            self.fetched_or_tried += 1;
            match fetcher.get(&parsed, None).await {
                Err(e) => self.fail(&parsed, e),
                Ok(f) => {
                    let stored = self.evidence.put(
                        f.url.as_str(),
                        f.status,
                        &f.headers,
                        &f.body,
                        f.fetched_at,
                    );
                    if let Err(e) = stored {
                        tracing::warn!(%u, error = %e, "sitemap not stored as evidence");
                    }
                    let text = String::from_utf8_lossy(&f.body);
                    let is_index = text.contains("<sitemapindex");
                    for loc in locs(&text) {
                        if is_index && depth < 2 {
                            todo.push((loc, depth + 1));
                        } else if let Ok(x) = Url::parse(&loc) {
                            out.push(x);
                        }
                    }
                }
            }
        }
        out
    }
}

/// The `<loc>` values of a sitemap.
pub fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|p| p.split_once("</loc>").map(|(a, _)| a.trim()))
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}
