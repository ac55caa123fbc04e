//! `soi bench serve`: how fast the console answers analysts on a big store.
//!
//! Why it exists: the queue page (`GET /`) and the seller page (`GET /sellers/{m}/{id}`) are what
//! analysts wait on all day, and their cost is in the store's queries, which grow with the store.
//! The target is an answer in under 100 ms at the 95th percentile, with 20 analysts at once, on a
//! store of 1 million listings from 100,000 sellers, on SQLite and on ClickHouse.
//!
//! What it does:
//! 1. fills the configured store (`--store`), if it holds fewer listings than `--listings`, with
//!    synthetic scored listings through [`soi_store::Store::put_scored`] (the pipeline's own
//!    write path): a seeded, deterministic mix in which about one listing in ten is flagged, with
//!    reasons quoting Vietnamese text, and fraud concentrated in some sellers, as it is in the
//!    wild. Listing `i` is always the same listing, so an interrupted fill resumes where it
//!    stopped;
//! 2. serves the console in-process on `127.0.0.1:0`, logs a bench user in, and runs
//!    `--clients` concurrent clients that share `--requests` requests: queue pages with varied
//!    filters and pages, and seller pages of random sellers;
//! 3. prints p50/p95/p99/max latency and throughput per page as a table, then as one JSON line;
//!    the exit status is 1 when any request did not answer 200.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use soi_console::audit::AuditLog;
use soi_console::users::{self, Actor};
use soi_model::{Listing, Reason, Scored, Seller, Verdict};
use soi_store::console::Role;

use crate::global::Global;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Listings the store should hold (it is filled up to this many).
    #[arg(long, default_value_t = 1_000_000)]
    listings: usize,
    /// Sellers the synthetic listings are spread over.
    #[arg(long, default_value_t = 100_000)]
    sellers: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 20)]
    clients: usize,
    /// Requests in all, shared by the clients.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Listings per `put_scored` batch while filling.
    #[arg(long, default_value_t = 2000)]
    batch: usize,
    /// Seed of the synthetic data and of the request mix.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const MARKETPLACES: [&str; 3] = ["shopee", "lazada", "tiki"];
const COUNTRIES: [(&str, u64); 6] = [
    ("VN", 60),
    ("CN", 25),
    ("KR", 5),
    ("TH", 4),
    ("SG", 3),
    ("US", 3),
];
const TITLES: [&str; 8] = [
    "Áo thun nam cotton cổ tròn",
    "Nồi chiên không dầu 5L chính hãng",
    "Tai nghe bluetooth chống ồn",
    "Kem dưỡng trắng da ban đêm",
    "Điện thoại cũ giá rẻ như mới",
    "Đồng hồ thông minh đo nhịp tim",
    "Thực phẩm chức năng giảm cân nhanh",
    "Túi xách nữ da thật cao cấp",
];
/// Reason code, English message, Vietnamese message, the quoted Vietnamese text.
const REASONS: [(&str, &str, &str, &str); 4] = [
    (
        "off_platform_contact",
        "asks buyers to contact the seller off the platform",
        "yêu cầu người mua liên hệ ngoài sàn",
        "liên hệ Zalo 0901234567 để có giá tốt",
    ),
    (
        "deposit_before_delivery",
        "asks for a deposit before delivery",
        "yêu cầu đặt cọc trước khi giao hàng",
        "chuyển khoản đặt cọc trước 50%",
    ),
    (
        "counterfeit_brand",
        "claims a brand the price does not support",
        "hàng hiệu với giá không hợp lý",
        "hàng auth siêu cấp like new 99%",
    ),
    (
        "miracle_claim",
        "makes a medical claim",
        "tuyên bố chữa bệnh",
        "chữa khỏi hoàn toàn tiểu đường sau 7 ngày",
    ),
];

/// splitmix64: a deterministic 64-bit hash of (seed, stream, index).
fn mix(seed: u64, stream: u64, i: u64) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03))
        .wrapping_add(i)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in [0, 1).
fn unit(seed: u64, stream: u64, i: u64) -> f64 {
    (mix(seed, stream, i) >> 11) as f64 / (1u64 << 53) as f64
}

fn seller_key(s: usize) -> (&'static str, String) {
    (MARKETPLACES[s % MARKETPLACES.len()], format!("s{s:06}"))
}

fn seller(a: &ServeArgs, s: usize) -> Seller {
    let (m, id) = seller_key(s);
    let mut pick = mix(a.seed, 1, s as u64) % 100;
    let country = COUNTRIES
        .iter()
        .find(|(_, w)| {
            let hit = pick < *w;
            pick = pick.saturating_sub(*w);
            hit
        })
        .map_or("VN", |(c, _)| c);
    let mut out = Seller::new(m, &id);
    out.name = Some(format!("Cửa hàng {id}"));
    out.country = Some(country.to_string());
    out.ship_from = Some(country.to_string());
    out.cross_border = country != "VN";
    out.rating = Some(3.0 + 2.0 * unit(a.seed, 2, s as u64));
    out
}

/// About 15% of sellers are fraudulent and flag 60% of their listings; the others flag 2%:
/// about 10.7% of all listings.
fn flagged(a: &ServeArgs, s: usize, i: usize) -> bool {
    let fraud = unit(a.seed, 3, s as u64) < 0.15;
    unit(a.seed, 4, i as u64) < if fraud { 0.6 } else { 0.02 }
}

fn observed(a: &ServeArgs, i: usize) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single();
    start.unwrap_or_default()
        + chrono::Duration::seconds((mix(a.seed, 5, i as u64) % (180 * 86_400)) as i64)
}

/// Listing `i` and its verdict: the same for the same seed, whatever came before.
fn scored(a: &ServeArgs, i: usize) -> Scored {
    let s = if i < a.sellers {
        i
    } else {
        (mix(a.seed, 0, i as u64) % a.sellers as u64) as usize
    };
    let (m, sid) = seller_key(s);
    let id = format!("l{i:07}");
    let title = format!(
        "{} #{i}",
        TITLES[mix(a.seed, 6, i as u64) as usize % TITLES.len()]
    );
    let bad = flagged(a, s, i);
    let mut description = format!("{title}. Giao hàng toàn quốc, đổi trả trong 7 ngày.");
    let mut reasons = vec![];
    if bad {
        let n = 1 + mix(a.seed, 7, i as u64) as usize % 3;
        let first = mix(a.seed, 8, i as u64) as usize;
        for k in 0..n {
            let (code, en, vi, quote) = REASONS[(first + k) % REASONS.len()];
            description.push(' ');
            let start = description.chars().count();
            description.push_str(quote);
            reasons.push(Reason {
                code: code.into(),
                message: en.into(),
                message_vi: vi.into(),
                field: "description".into(),
                start,
                end: start + quote.chars().count(),
                evidence: quote.into(),
                source: "bench".into(),
                contribution: 1.0 + k as f64 * 0.5,
            });
        }
    }
    let risk = if bad {
        0.5 + 0.5 * unit(a.seed, 9, i as u64)
    } else {
        0.49 * unit(a.seed, 9, i as u64)
    };
    let risk = (risk * 1000.0).round() / 1000.0;
    let at = observed(a, i);
    let listing = Listing {
        id: id.clone(),
        marketplace: m.into(),
        title,
        url: Some(format!("https://{m}.example/p/{id}")),
        description: Some(description),
        price: Some(((mix(a.seed, 10, i as u64) % 5_000) * 1_000 + 9_000) as f64),
        currency: Some("VND".into()),
        category: Some("bench".into()),
        images_count: Some(1 + (mix(a.seed, 11, i as u64) % 8) as u32),
        observed_at: Some(at),
        seller: Some(seller(a, s)),
        ..Listing::default()
    };
    let verdict = Verdict {
        listing_id: id,
        marketplace: m.into(),
        seller_id: Some(sid),
        risk,
        heads: [("scam".to_string(), risk)].into_iter().collect(),
        reasons,
        model: "bench-synthetic".into(),
        scored_at: at + chrono::Duration::hours(1),
    };
    Scored { listing, verdict }
}

async fn fill(a: &ServeArgs, store: &dyn soi_store::Store, quiet: bool) -> anyhow::Result<f64> {
    let have = store.counts().await?.listings as usize;
    if have >= a.listings {
        eprintln!("store holds {have} listings: no fill");
        return Ok(0.0);
    }
    let t0 = Instant::now();
    let mut next = have;
    let mut last = Instant::now();
    while next < a.listings {
        let end = (next + a.batch.max(1)).min(a.listings);
        let batch: Vec<Scored> = (next..end).map(|i| scored(a, i)).collect();
        store.put_scored(batch).await.context("filling the store")?;
        next = end;
        if !quiet && (last.elapsed() >= Duration::from_secs(2) || next == a.listings) {
            last = Instant::now();
            let secs = t0.elapsed().as_secs_f64();
            eprintln!(
                "filled {next}/{} listings in {secs:.0} s ({:.0}/s)",
                a.listings,
                (next - have) as f64 / secs.max(1e-9)
            );
        }
    }
    Ok(t0.elapsed().as_secs_f64())
}

#[derive(Clone, Copy, PartialEq)]
enum Page {
    Queue,
    Seller,
}

/// Request `k`'s path: half queue pages (filters and pages varied), half seller pages.
fn path(a: &ServeArgs, k: usize) -> (Page, String) {
    let r = mix(a.seed, 20, k as u64);
    if r.is_multiple_of(2) {
        let page = (r >> 8) % 3;
        let filter = match (r >> 16) % 6 {
            0 => String::new(),
            1 => format!("&marketplace={}", MARKETPLACES[(r >> 24) as usize % 3]),
            2 => format!("&country={}", ["VN", "CN", "KR"][(r >> 24) as usize % 3]),
            3 => "&min_risk=0.8".to_string(),
            4 => "&since=2026-03-01&until=2026-06-01".to_string(),
            _ => "&marketplace=shopee&country=CN&min_risk=0.6".to_string(),
        };
        (Page::Queue, format!("/?page={page}{filter}"))
    } else {
        let n = a.sellers.min(a.listings).max(1);
        let (m, id) = seller_key((r >> 8) as usize % n);
        (Page::Seller, format!("/sellers/{m}/{id}"))
    }
}

#[derive(Default)]
struct Tally {
    ms: Vec<f64>,
    failed: usize,
}

impl Tally {
    fn pct(&self, p: f64) -> f64 {
        if self.ms.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * self.ms.len() as f64).ceil() as usize;
        self.ms[i.clamp(1, self.ms.len()) - 1]
    }

    fn json(&self, wall: f64) -> serde_json::Value {
        let r = |x: f64| (x * 100.0).round() / 100.0;
        serde_json::json!({
            "requests": self.ms.len(),
            "failed": self.failed,
            "p50_ms": r(self.pct(50.0)),
            "p95_ms": r(self.pct(95.0)),
            "p99_ms": r(self.pct(99.0)),
            "max_ms": r(self.ms.last().copied().unwrap_or(0.0)),
            "per_sec": r(self.ms.len() as f64 / wall.max(1e-9)),
        })
    }
}

async fn login(http: &reqwest::Client, base: &str, user: &str, pw: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({"username": user, "password": pw}).to_string();
    let r = http
        .post(format!("{base}/api/session"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .context("logging in")?;
    anyhow::ensure!(r.status().is_success(), "login answered {}", r.status());
    let cookie = r
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("login set no cookie")?;
    Ok(cookie.to_string())
}

pub async fn exec(a: ServeArgs, g: &Global) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        a.sellers > 0 && a.clients > 0 && a.listings > 0,
        "--listings, --sellers and --clients must be above 0"
    );
    let all = g.connect_all().await?;
    let console = all.console.clone();
    let fill_secs = fill(&a, all.store.as_ref(), g.quiet).await?;
    eprintln!("fill: {fill_secs:.1} s");

    // The bench user: added, or given a fresh password when an earlier run added it.
    let audit = AuditLog::new(console.clone());
    let by = || Actor {
        name: "cli:bench",
        addr: "cli",
    };
    let pw = format!("bench-{}", Utc::now().timestamp_micros());
    if users::add(console.as_ref(), &audit, by(), "bench", Role::Analyst, &pw)
        .await
        .is_err()
    {
        users::reset(console.as_ref(), &audit, by(), "bench", &pw).await?;
    }
    let cfg = super::serve::config(all, g);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(soi_console::serve(
        listener,
        soi_console::router(cfg),
        None,
        async {
            let _ = stopped.await;
        },
    ));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = Arc::new(login(&http, &base, "bench", &pw).await?);

    let a = Arc::new(a);
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let mut tasks = vec![];
    for _ in 0..a.clients {
        let (a, next, cookie, base) = (a.clone(), next.clone(), cookie.clone(), base.clone());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        tasks.push(tokio::spawn(async move {
            let mut out = vec![];
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= a.requests {
                    return out;
                }
                let (page, p) = path(&a, k);
                let t = Instant::now();
                let res = http
                    .get(format!("{base}{p}"))
                    .header(reqwest::header::COOKIE, cookie.as_str())
                    .send()
                    .await;
                let ok = match res {
                    Ok(r) => {
                        let status = r.status();
                        match r.bytes().await {
                            Ok(_) if status == reqwest::StatusCode::OK => Ok(()),
                            Ok(_) => Err(format!("{p}: {status}")),
                            Err(e) => Err(format!("{p}: {e}")),
                        }
                    }
                    Err(e) => Err(format!("{p}: {e}")),
                };
                out.push((page, t.elapsed().as_secs_f64() * 1000.0, ok));
            }
        }));
    }
    let (mut queue, mut seller) = (Tally::default(), Tally::default());
    let mut errors = vec![];
    for t in tasks {
        for (page, ms, ok) in t.await? {
            let tally = if page == Page::Queue {
                &mut queue
            } else {
                &mut seller
            };
            tally.ms.push(ms);
            if let Err(e) = ok {
                tally.failed += 1;
                errors.push(e);
            }
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = server.await;
    for t in [&mut queue, &mut seller] {
        t.ms.sort_by(f64::total_cmp);
    }
    for e in errors.iter().take(5) {
        eprintln!("failed: {e}");
    }
    println!(
        "store {}: {} listings, {} sellers, {} clients, {} requests in {wall:.1} s",
        g.store_label(),
        a.listings,
        a.sellers,
        a.clients,
        a.requests
    );
    println!(
        "{:<8} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "page", "requests", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", "per s"
    );
    for (name, t) in [("queue", &queue), ("seller", &seller)] {
        println!(
            "{name:<8} {:>8} {:>6} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            t.ms.len(),
            t.failed,
            t.pct(50.0),
            t.pct(95.0),
            t.pct(99.0),
            t.ms.last().copied().unwrap_or(0.0),
            t.ms.len() as f64 / wall.max(1e-9)
        );
    }
    let failures = queue.failed + seller.failed;
    let line = serde_json::json!({
        "store": if g.store.as_deref().is_some_and(|s| s.starts_with("clickhouse://")) {
            "clickhouse"
        } else {
            "sqlite"
        },
        "listings": a.listings,
        "sellers": a.sellers,
        "clients": a.clients,
        "requests": a.requests,
        "fill_secs": (fill_secs * 10.0).round() / 10.0,
        "wall_secs": (wall * 100.0).round() / 100.0,
        "failures": failures,
        "queue": queue.json(wall),
        "seller": seller.json(wall),
    });
    println!("{line}");
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
