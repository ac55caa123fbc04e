//! JSON API sources: pages of items mapped onto listings and sellers.

use url::Url;

use super::{PageIssue, Run};
use crate::config::{ApiKind, ApiSource};
use crate::extract::{self, Ctx};
use crate::fetch::Fetcher;
use crate::CrawlError;

impl Run<'_> {
    pub(super) async fn api(
        &mut self,
        fetcher: &Fetcher,
        api: &ApiSource,
    ) -> Result<(), CrawlError> {
        let cfg = self.c.config.clone();
        for page in api.start_page..api.start_page.saturating_add(api.pages) {
            if self.fetched_or_tried >= self.budget {
                self.report.budget_exhausted = true;
                break;
            }
            let offset = u64::from(page - api.start_page) * u64::from(api.page_size.unwrap_or(0));
            let raw = cfg
                .expand(&api.url, Some(&self.base))
                .replace("{page}", &page.to_string())
                .replace("{offset}", &offset.to_string());
            let Ok(url) = Url::parse(&raw) else {
                self.report.errors.push(PageIssue {
                    url: raw,
                    message: "not a URL".into(),
                });
                break;
            };
            let url = self.canonical(&url);
            self.fetched_or_tried += 1;
            let cond = self.validators(&url);
            let got = fetcher.get(&url, cond.as_ref()).await;
            let f = match self.whole(fetcher, &url, got).await {
                Ok(f) => f,
                Err(e) => {
                    self.fail(&url, e);
                    break;
                }
            };
            let (sha, fresh, body) = self.settle(&url, &f)?;
            let doc: serde_json::Value = match serde_json::from_slice(&body) {
                Ok(d) => d,
                Err(e) => {
                    self.problem(
                        &url,
                        format!("API `{}` answered invalid JSON: {e}", api.name),
                    );
                    break;
                }
            };
            let mapping = api.mapping();
            let mut items = extract::api::page_items(&doc, &mapping);
            if items.is_empty() {
                break;
            }
            let cap = cfg.limits.max_items_per_page;
            if items.len() > cap {
                let n = items.len() - cap;
                items.truncate(cap);
                if fresh {
                    self.problem(
                        &url,
                        format!("API `{}`: {n} items over the cap of {cap} per page (limits.max_items_per_page) left out", api.name),
                    );
                    self.over_cap(&url, n);
                }
            }
            if !fresh {
                self.tick();
                continue;
            }
            let c = self.c.clone();
            let ctx = Ctx::new(&c, &f.url);
            let (mut listings, mut sellers, mut problems) = (vec![], vec![], vec![]);
            for item in items {
                match api.kind {
                    ApiKind::Listing => {
                        match extract::api::listing(item, &mapping, &ctx, &self.base) {
                            Ok(l) => listings.push(l),
                            Err(e) => problems.push(e),
                        }
                    }
                    ApiKind::Seller => match extract::api::seller(item, &mapping, &ctx) {
                        Ok(s) => sellers.push(s),
                        Err(e) => problems.push(e),
                    },
                }
            }
            for p in problems {
                self.problem(&url, format!("API `{}`: {p}", api.name));
            }
            self.emit(&url, listings, sellers, &sha, f.fetched_at)
                .await?;
            self.tick();
        }
        Ok(())
    }
}
