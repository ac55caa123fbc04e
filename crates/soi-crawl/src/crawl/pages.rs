//! The HTML pages of a crawl: a frontier fed by seeds and followed links, fetched with bounded
//! concurrency.

use std::collections::{HashSet, VecDeque};

use futures::stream::{FuturesUnordered, StreamExt};
use url::Url;

use super::Run;
use crate::extract;
use crate::fetch::Fetcher;
use crate::CrawlError;

impl Run<'_> {
    pub(super) async fn pages(
        &mut self,
        fetcher: &Fetcher,
        seeds: Vec<Url>,
    ) -> Result<(), CrawlError> {
        let mut queue: VecDeque<Url> = VecDeque::new();
        let mut seen: HashSet<String> = HashSet::new();
        for s in seeds {
            let s = self.canonical(&s);
            if seen.insert(s.to_string()) {
                queue.push_back(s);
            }
        }
        let concurrency = self.c.config.limits.concurrency.max(1);
        let mut inflight = FuturesUnordered::new();
        loop {
            while inflight.len() < concurrency && self.fetched_or_tried < self.budget {
                let Some(url) = queue.pop_front() else { break };
                self.fetched_or_tried += 1;
                let cond = self.validators(&url);
                inflight.push(async move {
                    let r = fetcher.get(&url, cond.as_ref()).await;
                    (url, r)
                });
            }
            self.queue_len = queue.len();
            let Some((url, result)) = inflight.next().await else {
                break;
            };
            match self.whole(fetcher, &url, result).await {
                Err(e) => self.fail(&url, e),
                Ok(f) => {
                    let (sha, fresh, body) = self.settle(&url, &f)?;
                    let role = extract::role(&self.c, &url);
                    // Parsing a big page takes a while: off the async workers.
                    let (c, at, ct) = (self.c.clone(), f.url.clone(), f.content_type().to_string());
                    let page = match tokio::task::spawn_blocking(move || {
                        let html = extract::charset::decode(&body, &ct);
                        extract::extract_page(&c, &at, &html, role)
                    })
                    .await
                    {
                        Ok(page) => page,
                        Err(e) => {
                            self.problem(&url, format!("extraction failed: {e}"));
                            self.tick();
                            continue;
                        }
                    };
                    for link in &page.links {
                        let u = self.canonical(&link.url);
                        if fetcher.check(&u).is_err() || !self.follow(&u, link.rel_next) {
                            continue;
                        }
                        if seen.insert(u.to_string()) {
                            queue.push_back(u);
                        }
                    }
                    if fresh {
                        if !f.content_type().is_empty() && !f.content_type().contains("html") {
                            self.problem(&url, format!("not an HTML page ({})", f.content_type()));
                        }
                        for p in page.problems {
                            self.problem(&url, p);
                        }
                        self.over_cap(&url, page.over_cap);
                        self.emit(&url, page.listings, page.sellers, &sha, f.fetched_at)
                            .await?;
                    }
                }
            }
            self.queue_len = queue.len();
            self.tick();
        }
        if !queue.is_empty() {
            self.report.budget_exhausted = true;
            tracing::warn!(
                left = queue.len(),
                budget = self.budget,
                "page budget spent"
            );
        }
        Ok(())
    }
}
