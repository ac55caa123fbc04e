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
use soi_link::{Extracted, Linker, SellerKey};
use soi_model::{Listing, Seller};

const MARKETS: [&str; 5] = ["shopee", "lazada", "tiki", "sendo", "chotot"];

const SYLLABLES: &[&str] = &[
    "áo", "quần", "giày", "dép", "túi", "ví", "mũ", "nón", "khăn", "váy", "đầm", "thun", "sơ",
    "mi", "khoác", "len", "nỉ", "da", "vải", "lụa", "cotton", "jean", "kaki", "nam", "nữ", "trẻ",
    "em", "bé", "gái", "trai", "cao", "cấp", "đẹp", "rẻ", "bền", "mới", "hot", "trend", "hàn",
    "quốc", "nhật", "bản", "thái", "lan", "việt", "màu", "đen", "trắng", "đỏ", "xanh", "vàng",
    "hồng", "tím", "xám", "nâu", "be", "size", "lớn", "nhỏ", "vừa", "form", "rộng", "ôm", "dài",
    "ngắn", "tay", "cổ", "tròn", "tim", "bẻ", "lót", "đế", "su", "mềm", "êm", "chân", "đi", "chạy",
    "bộ", "tập", "gym", "yoga", "bơi", "biển", "du", "lịch", "công", "sở", "dạo", "phố", "tiệc",
    "cưới", "sinh", "nhật", "quà", "tặng", "người", "yêu", "mẹ", "cha", "bạn", "điện", "thoại",
    "ốp", "lưng", "sạc", "cáp", "tai", "nghe", "loa", "đồng", "hồ", "kính", "mắt", "nồi", "chảo",
    "bát", "đĩa", "ly", "cốc", "bình", "nước", "giữ", "nhiệt", "máy", "xay", "sinh", "tố", "quạt",
    "đèn", "bàn", "ghế", "tủ", "kệ", "gối", "chăn", "ga", "nệm", "son", "phấn", "kem", "dưỡng",
    "da", "mặt", "tóc", "gội", "xả", "sữa", "rửa", "tẩy", "trang", "nước", "hoa", "mỹ", "phẩm",
    "hữu", "cơ", "thiên", "nhiên", "an", "toàn", "chất", "lượng", "bảo", "hành", "tháng", "năm",
    "giá", "tốt", "nhất", "khuyến", "mãi", "giảm", "sốc", "hôm", "nay", "duy", "số", "lượng", "có",
    "hạn", "mua", "ngay", "kẻo", "lỡ", "siêu", "phẩm", "bán", "chạy", "thương", "hiệu", "nổi",
    "tiếng", "phong", "cách", "trẻ", "trung", "năng", "động", "sang", "trọng", "lịch", "lãm", "cá",
    "tính", "dễ", "thương", "xinh", "xắn", "tiện", "lợi",
];

const BOILERPLATE: [&str; 3] = [
    "Giao hàng toàn quốc, nhận hàng kiểm tra rồi mới thanh toán.",
    "Cam kết hàng chính hãng 100%, đổi trả trong 7 ngày nếu lỗi.",
    "Shop tư vấn nhiệt tình, inbox để được giá tốt nhất, freeship đơn từ 99k.",
];

const BANKS: [&str; 6] = [
    "Vietcombank",
    "Techcombank",
    "MB Bank",
    "BIDV",
    "ACB",
    "VPBank",
];

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

/// splitmix64: the deterministic generator of all the data.
struct Rng(u64);

impl Rng {
    fn new(a: u64, b: u64) -> Rng {
        Rng(mix(
            a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ mix(b ^ 0x1234_5678)
        ))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn word(&mut self) -> &'static str {
        SYLLABLES[self.below(SYLLABLES.len())]
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What a planted ring shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Share {
    Phone,
    Zalo,
    Bank,
    Domain,
    ShopName,
    NearText,
    Chain,
}

const SHARES: [Share; 7] = [
    Share::Phone,
    Share::Zalo,
    Share::Bank,
    Share::Domain,
    Share::ShopName,
    Share::NearText,
    Share::Chain,
];

/// The plan: virtual sellers `0..planted` form rings of 2..=5 in order; seller `v` is published as
/// id `perm(v)`, so ring members are spread over ids, marketplaces and arrival order.
struct Plan {
    n: u64,
    planted: u64,
    mult: u64,
    /// `ring_start[r]` = first virtual seller of ring `r`; one extra entry at the end.
    ring_start: Vec<u64>,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Plan {
    fn new(n: u64, ring_percent: u64) -> Plan {
        let planted = n * ring_percent / 100;
        let mut ring_start = vec![0];
        let mut at = 0;
        let mut r = 0u64;
        while at < planted {
            let size = 2 + mix(r ^ 0xabc) % 4;
            if at + size > planted {
                break;
            }
            at += size;
            ring_start.push(at);
            r += 1;
        }
        let mut mult = 2_654_435_761 % n.max(2);
        while gcd(mult, n) != 1 {
            mult += 1;
        }
        Plan {
            n,
            planted: at,
            mult,
            ring_start,
        }
    }

    fn rings(&self) -> usize {
        self.ring_start.len() - 1
    }

    /// The published seller number of virtual seller `v`.
    fn perm(&self, v: u64) -> u64 {
        ((u128::from(v) * u128::from(self.mult)) % u128::from(self.n)) as u64
    }

    /// The ring of virtual seller `v`: its index, `v`'s position in it and its size.
    fn ring_of(&self, v: u64) -> Option<(usize, u64, u64)> {
        if v >= self.planted {
            return None;
        }
        let r = self.ring_start.partition_point(|s| *s <= v) - 1;
        let start = self.ring_start[r];
        Some((r, v - start, self.ring_start[r + 1] - start))
    }

    fn seller_key(&self, s: u64) -> SellerKey {
        SellerKey::new(MARKETS[(s % 5) as usize], &format!("s{s}"))
    }
}

fn phone_written(digits: &str, style: usize) -> String {
    let d = digits.as_bytes();
    let s = |a: usize, b: usize| String::from_utf8_lossy(&d[a..b]).to_string();
    match style % 4 {
        0 => digits.to_string(),
        1 => format!("{} {} {}", s(0, 4), s(4, 7), s(7, 10)),
        2 => format!("+84{}", s(1, 10)),
        _ => format!("{}.{}.{}", s(0, 3), s(3, 6), s(6, 10)),
    }
}

fn words(rng: &mut Rng, n: usize) -> Vec<&'static str> {
    (0..n).map(|_| rng.word()).collect()
}

fn code(mut x: u64) -> String {
    let mut out = String::new();
    for _ in 0..5 {
        out.push((b'a' + (x % 26) as u8) as char);
        x /= 26;
    }
    out
}

/// Listing `j` of published seller `s`, with virtual seller `v`.
fn listing(plan: &Plan, v: u64, j: u64) -> (SellerKey, Listing) {
    let s = plan.perm(v);
    let seller = plan.seller_key(s);
    let mut rng = Rng::new(s, j);
    let title = {
        let n = 4 + rng.below(4);
        let mut t = words(&mut rng, n);
        t.push(if j.is_multiple_of(2) {
            "giá rẻ"
        } else {
            "chính hãng"
        });
        t.join(" ")
    };
    let n = 25 + rng.below(20);
    let mut desc = words(&mut rng, n).join(" ");
    desc.push_str(". ");
    desc.push_str(BOILERPLATE[(s % 3) as usize]);
    let mut name = format!("Tiệm {} {} {}", rng.word(), rng.word(), code(s));
    // The seller's own identifiers, now and then.
    let own_phone = format!("09{:08}", s % 100_000_000);
    match (s + j) % 6 {
        0 => desc.push_str(&format!(
            " Liên hệ {}",
            phone_written(&own_phone, rng.below(4))
        )),
        1 if j == 0 => desc.push_str(&format!(" STK {:012} {}", s, BANKS[rng.below(6)])),
        2 if j == 0 && s.is_multiple_of(7) => {
            desc.push_str(&format!(" Xem thêm tại shop{s}-vn.xyz"))
        }
        3 => desc.push_str(" Thanh toán MoMo hoặc ZaloPay, ib Zalo để được tư vấn."),
        _ => {}
    }
    if let Some((r, pos, size)) = plan.ring_of(v) {
        let share = SHARES[r % SHARES.len()];
        let ring_phone = format!("03{:08}", r);
        let ring_acct = format!("77{:010}", r);
        match share {
            Share::Phone if j == 0 => {
                desc.push_str(&format!(
                    " Gọi {}",
                    phone_written(&ring_phone, pos as usize)
                ));
            }
            Share::Zalo if j == 0 => {
                if pos % 2 == 0 {
                    desc.push_str(&format!(" Kết bạn Zalo: {}", phone_written(&ring_phone, 3)));
                } else {
                    desc.push_str(&format!(" zalo.me/{ring_phone}"));
                }
            }
            Share::Bank if j == 0 => {
                let bank = BANKS[r % 6];
                if pos % 2 == 0 {
                    desc.push_str(&format!(" Đặt cọc qua STK {ring_acct} {bank}"));
                } else {
                    desc.push_str(&format!(" CK trước vào {bank}: {ring_acct}"));
                }
            }
            Share::Domain if j == 0 => {
                desc.push_str(&format!(
                    " Mua rẻ hơn tại https://www.sale-{}.top/",
                    code(r as u64)
                ));
            }
            Share::ShopName => {
                name = if pos % 2 == 0 {
                    format!("Shop Giày {} Chính Hãng", code(r as u64 + 7))
                } else {
                    format!("giày {}", code(r as u64 + 7))
                };
            }
            Share::NearText if j == 0 => {
                let mut base_rng = Rng::new(r as u64, 0xfeed);
                let mut base = words(&mut base_rng, 45);
                let at = (pos as usize * 7) % base.len();
                base[at] = rng.word();
                desc = base.join(" ");
            }
            Share::Chain if j == 0 => {
                // Member k shares a phone with k-1 when k is odd, a bank account when even.
                let link_phone = |k: u64| format!("03{:04}{:04}", r % 10_000, 5000 + k);
                let link_acct = |k: u64| format!("88{:06}{:04}", r, k);
                if pos >= 1 {
                    if pos % 2 == 1 {
                        desc.push_str(&format!(" sđt {}", link_phone(pos)));
                    } else {
                        desc.push_str(&format!(" STK {} BIDV", link_acct(pos)));
                    }
                }
                if pos + 1 < size {
                    if (pos + 1) % 2 == 1 {
                        desc.push_str(&format!(" lh {}", phone_written(&link_phone(pos + 1), 1)));
                    } else {
                        desc.push_str(&format!(" BIDV {}", link_acct(pos + 1)));
                    }
                }
            }
            _ => {}
        }
    }
    let mut sl = Seller::new(seller.marketplace.as_str(), &seller.id);
    sl.name = Some(name);
    let l = Listing {
        id: format!("{}-{j}", seller.id),
        marketplace: seller.marketplace.clone(),
        title,
        description: Some(desc),
        seller: Some(sl),
        ..Default::default()
    };
    (seller, l)
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
        let members: Vec<SellerKey> = (plan.ring_start[r]..plan.ring_start[r + 1])
            .map(|v| plan.seller_key(plan.perm(v)))
            .collect();
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
