//! Benchmark: link N sellers' synthetic listings, report throughput, planted-ring recall and
//! peak memory.
//!
//! ```sh
//! cargo run --release -p soi-link --example bench_link -- --sellers 1000000 --listings 3
//! ```
//!
//! The data is deterministic (a fixed-seed generator): Vietnamese-like titles and descriptions
//! with shared boilerplate ("giao hàng toàn quốc..."), every seller with its own phone, bank
//! account, domain or shop name now and then, and a fraction of sellers planted in rings that share
//! a phone, a Zalo number, a bank account, a domain, a shop name, a near-duplicate description
//! (one word changed per copy), or a chain (A–B by phone, B–C by bank...). Ring members are spread
//! over marketplaces and over the arrival order. Keys are extracted on all cores, linking runs on
//! one, as in the pipeline.

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;
use soi_link::synth::{listing, Plan, SHARES};
use soi_link::{Extracted, Linker, SellerKey};

struct Args {
    sellers: u64,
    listings: u64,
    ring_percent: u64,
    chunk: usize,
}

fn args() -> Args {
    let mut a = Args {
        sellers: 100_000,
        listings: 3,
        ring_percent: 2,
        chunk: 8_192,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    for pair in v.chunks(2) {
        let (Some(k), Some(x)) = (pair.first(), pair.get(1)) else {
            continue;
        };
        let n: u64 = match x.parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("{k}: not a number: {x}");
                std::process::exit(2);
            }
        };
        match k.as_str() {
            "--sellers" => a.sellers = n.max(10),
            "--listings" => a.listings = n.max(1),
            "--ring-percent" => a.ring_percent = n.min(50),
            "--chunk" => a.chunk = usize::try_from(n).unwrap_or(65_536).max(1),
            _ => {
                eprintln!("usage: bench_link [--sellers N] [--listings K] [--ring-percent P]");
                std::process::exit(2);
            }
        }
    }
    a
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let a = args();
    let plan = Plan::new(a.sellers, a.ring_percent);
    let total = a.sellers * a.listings;
    println!(
        "sellers {} × {} listings = {} listings; {} planted rings over {} sellers; {} threads",
        a.sellers,
        a.listings,
        total,
        plan.rings(),
        plan.planted,
        rayon::current_num_threads()
    );
    let mut linker = Linker::new();
    linker.reserve(a.sellers as usize, total as usize);
    let started = Instant::now();
    let (mut extract_s, mut link_s) = (0.0f64, 0.0f64);
    let mut order: u64 = 0;
    while order < total {
        let end = (order + a.chunk as u64).min(total);
        let t = Instant::now();
        // Arrival order: every seller's first listing, then every second one, ...
        let batch: Vec<(SellerKey, String, Extracted)> = (order..end)
            .into_par_iter()
            .map(|i| {
                let (v, j) = (i % a.sellers, i / a.sellers);
                let (seller, l) = listing(&plan, v, j);
                let ex = soi_link::extract(&l);
                (seller, l.id, ex)
            })
            .collect();
        extract_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (seller, id, ex) in &batch {
            if let Err(e) = linker.add_extracted(seller, id, ex) {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        link_s += t.elapsed().as_secs_f64();
        order = end;
    }
    let wall = started.elapsed().as_secs_f64();
    let stats = linker.stats();
    // Recall: a ring is found when its members are all in one cluster; exact when nobody else is.
    let (mut found, mut exact) = (0usize, 0usize);
    let mut ring_sellers = HashSet::new();
    let mut by_share = vec![(0usize, 0usize); SHARES.len()];
    for r in 0..plan.rings() {
        let members: Vec<SellerKey> = plan.ring_members(r);
        ring_sellers.extend(members.iter().cloned());
        let c = linker.cluster(&members[0]);
        let got: HashSet<&SellerKey> = c.sellers.iter().collect();
        let all = members.iter().all(|m| got.contains(m));
        by_share[r % SHARES.len()].1 += 1;
        if all {
            found += 1;
            by_share[r % SHARES.len()].0 += 1;
            if got.len() == members.len() {
                exact += 1;
            }
        }
    }
    let sizes = linker.cluster_sizes();
    let clustered: usize = sizes.iter().sum();
    let stray = linker
        .clusters()
        .flat_map(|c| c.sellers)
        .filter(|s| !ring_sellers.contains(s))
        .count();
    println!(
        "total {wall:.1} s: extract {extract_s:.1} s on {} threads ({:.0} listings/s), link {link_s:.1} s on 1 ({:.0} listings/s); overall {:.0} listings/s",
        rayon::current_num_threads(),
        total as f64 / extract_s,
        total as f64 / link_s,
        total as f64 / wall
    );
    println!(
        "keys: {} identifier keys, {} near-text bands; near-text candidates checked {}, linked {}",
        stats.identifier_keys, stats.bands, stats.near_checked, stats.near_linked
    );
    println!(
        "clusters found {} ({} sellers, largest {}) vs planted {} ({} sellers); links {}",
        sizes.len(),
        clustered,
        sizes.iter().max().copied().unwrap_or(0),
        plan.rings(),
        plan.planted,
        stats.links
    );
    println!(
        "recall of planted rings {:.4} ({found}/{}), exact {exact}; sellers clustered outside any ring {stray}",
        found as f64 / plan.rings().max(1) as f64,
        plan.rings()
    );
    for (s, (f, n)) in SHARES.iter().zip(&by_share) {
        println!("  {s:?}: {f}/{n}");
    }
    println!("peak memory (VmHWM) {:.1} MiB", peak_kib() as f64 / 1024.0);
}
