//! Benchmark: linking as production does it, through the store. N sellers' synthetic listings
//! (`soi_link::synth`, the same data as `soi-link`'s in-memory `bench_link`) arrive in batches;
//! each batch is looked up in and written to the link state of a real SQLite store file
//! ([`soi_pipeline::link::link_stored`], what the sink runs after storing a batch). Prints
//! throughput, the store's size, peak memory, and how many planted rings the stored links join
//! (walked with `soi_store::links::network`, as `soi network` does).
//!
//! ```sh
//! cargo run --release -p soi-pipeline --example bench_link_store -- --sellers 100000 --listings 3
//! ```

use std::collections::HashSet;
use std::time::Instant;

use soi_link::synth::{listing, Plan};
use soi_pipeline::link::{link_stored, ToLink};
use soi_sqlite::SqliteStore;
use soi_store::links::{network, SellerRef};
use soi_store::LinkStore;

struct Args {
    sellers: u64,
    listings: u64,
    batch: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        sellers: 100_000,
        listings: 3,
        batch: 1_000,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    for pair in v.chunks(2) {
        let (Some(k), Some(x)) = (pair.first(), pair.get(1)) else {
            return Err(format!("{pair:?}: a flag and a number"));
        };
        let n: u64 = x.parse().map_err(|_| format!("{k}: not a number: {x}"))?;
        match k.as_str() {
            "--sellers" => a.sellers = n.max(10),
            "--listings" => a.listings = n.max(1),
            "--batch" => a.batch = usize::try_from(n).unwrap_or(1_000).max(1),
            _ => {
                return Err(
                    "usage: bench_link_store [--sellers N] [--listings K] [--batch B]".into(),
                )
            }
        }
    }
    Ok(a)
}

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let store = SqliteStore::open(&path)?;
    let plan = Plan::new(a.sellers, 2);
    let total = a.sellers * a.listings;
    println!(
        "sellers {} × {} listings = {total} listings in batches of {}; {} planted rings over {} sellers; store {}",
        a.sellers, a.listings, a.batch, plan.rings(), plan.planted, path.display()
    );
    let started = Instant::now();
    let (mut extract_s, mut links) = (0.0f64, 0usize);
    let mut order: u64 = 0;
    while order < total {
        let end = (order + a.batch as u64).min(total);
        let t = Instant::now();
        // Arrival order: every seller's first listing, then every second one, ...
        let items: Vec<ToLink> = (order..end)
            .map(|i| {
                let (seller, l) = listing(&plan, i % a.sellers, i / a.sellers);
                ToLink {
                    seller: SellerRef::new(&seller.marketplace, &seller.id),
                    listing_id: l.id.clone(),
                    extracted: soi_link::extract(&l),
                }
            })
            .collect();
        extract_s += t.elapsed().as_secs_f64();
        links += link_stored(&store, &items).await?;
        order = end;
        if order.is_multiple_of(a.batch as u64 * 100) {
            eprintln!(
                "{order}/{total} listings, {links} links, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "linked {total} listings in {wall:.1} s ({:.0} listings/s; key extraction {extract_s:.1} s of it, store lookups and writes the rest); {links} links",
        total as f64 / wall
    );
    // Recall: a ring is found when walking the stored links from its first member reaches all.
    let t = Instant::now();
    let (mut found, mut exact) = (0usize, 0usize);
    for r in 0..plan.rings() {
        let members: Vec<SellerRef> = plan
            .ring_members(r)
            .iter()
            .map(|k| SellerRef::new(&k.marketplace, &k.id))
            .collect();
        let Some(first) = members.first() else {
            continue;
        };
        let net = network(&store, first, 50).await?;
        let got: HashSet<&SellerRef> = net.sellers.iter().collect();
        if members.iter().all(|m| got.contains(m)) {
            found += 1;
            exact += usize::from(got.len() == members.len());
        }
    }
    let pairs = store.link_pairs().await?.len();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.path().join("bench.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "planted rings joined by the stored links {found}/{} (exact {exact}), walked in {:.1} s; {pairs} linked seller pairs; store file {:.0} MiB; peak memory (VmHWM) {:.0} MiB",
        plan.rings(),
        t.elapsed().as_secs_f64(),
        bytes as f64 / (1024.0 * 1024.0),
        peak_mib()
    );
    Ok(())
}
