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

/// The `<loc>` values of a sitemap (or of a sitemap index), trimmed, in document order, read by
/// a streaming XML reader (quick-xml): namespace prefixes, CDATA sections, comments and character
/// or entity references (`&amp;`, `&#38;`) are handled as XML has them. A document that turns
/// out malformed part way keeps the locations read before the fault.
pub fn locs(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out = vec![];
    let mut cur: Option<String> = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"loc" => cur = Some(String::new()),
            Ok(Event::End(e)) if e.local_name().as_ref() == b"loc" => {
                if let Some(t) = cur.take() {
                    let t = t.trim();
                    if !t.is_empty() {
                        out.push(t.to_string());
                    }
                }
            }
            Ok(Event::Text(t)) => {
                if let (Some(c), Ok(s)) = (cur.as_mut(), t.decode()) {
                    c.push_str(&s);
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(c) = cur.as_mut() {
                    c.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(e)) => {
                if let Some(c) = cur.as_mut() {
                    if let Ok(Some(ch)) = e.resolve_char_ref() {
                        c.push(ch);
                    } else if let Some(v) = e
                        .decode()
                        .ok()
                        .and_then(|n| quick_xml::escape::resolve_predefined_entity(&n))
                    {
                        c.push_str(v);
                    }
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                tracing::debug!(error = %e, "sitemap XML malformed; keeping the locations read");
                break;
            }
            Ok(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::locs;

    #[test]
    fn locations_with_namespaces_cdata_and_references() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9">
  <!-- <loc>https://shop.vn/commented-out</loc> -->
  <url><loc> https://shop.vn/p?a=1&amp;b=2 </loc></url>
  <url><s:loc>https://shop.vn/&#273;&#x1ED3;-ch&#417;i</s:loc></url>
  <url><loc><![CDATA[https://shop.vn/q?x=1&y=2]]></loc><lastmod>2026-12-01</lastmod></url>
  <url><loc></loc></url>
</urlset>"#;
        assert_eq!(
            locs(xml),
            [
                "https://shop.vn/p?a=1&b=2",
                "https://shop.vn/đồ-chơi",
                "https://shop.vn/q?x=1&y=2",
            ]
        );
    }

    #[test]
    fn a_broken_document_keeps_what_came_before_the_fault() {
        let xml = "<urlset><url><loc>https://shop.vn/a</loc></url><url><loc>https://shop.vn/b</x></urlset>";
        assert_eq!(locs(xml), ["https://shop.vn/a"]);
    }
}
