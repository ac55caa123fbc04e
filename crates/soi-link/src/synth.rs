//! Deterministic synthetic marketplace data for the linking benchmarks (`soi-link`'s in-memory
//! `bench_link` and `soi-pipeline`'s store-backed `bench_link_store`): one generator, so both
//! measure the same listings.
//!
//! Vietnamese-like titles and descriptions with shared boilerplate ("giao hàng toàn quốc..."),
//! every seller with its own phone, bank account, domain or shop name now and then, and a
//! fraction of sellers planted in rings that share a phone, a Zalo number, a bank account, a
//! domain, a shop name, a near-duplicate description (one word changed per copy), or a chain
//! (A–B by phone, B–C by bank...). Ring members are spread over marketplaces and over the arrival
//! order ([`Plan::perm`]). Every number comes from a fixed-seed generator: the same arguments give
//! the same data on every run.

use soi_model::{Listing, Seller};

use crate::types::SellerKey;

pub const MARKETS: [&str; 5] = ["shopee", "lazada", "tiki", "sendo", "chotot"];

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
pub enum Share {
    Phone,
    Zalo,
    Bank,
    Domain,
    ShopName,
    NearText,
    Chain,
}

pub const SHARES: [Share; 7] = [
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
pub struct Plan {
    n: u64,
    /// Virtual sellers `0..planted` are in rings.
    pub planted: u64,
    mult: u64,
    /// `ring_start[r]` = first virtual seller of ring `r`; one extra entry at the end.
    pub ring_start: Vec<u64>,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Plan {
    /// `n` sellers, `ring_percent` of them planted in rings.
    pub fn new(n: u64, ring_percent: u64) -> Plan {
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

    /// How many rings are planted.
    pub fn rings(&self) -> usize {
        self.ring_start.len() - 1
    }

    /// The published seller number of virtual seller `v`.
    pub fn perm(&self, v: u64) -> u64 {
        ((u128::from(v) * u128::from(self.mult)) % u128::from(self.n)) as u64
    }

    /// The ring of virtual seller `v`: its index, `v`'s position in it and its size.
    /// The accounts of ring `r`.
    pub fn ring_members(&self, r: usize) -> Vec<SellerKey> {
        match (self.ring_start.get(r), self.ring_start.get(r + 1)) {
            (Some(a), Some(b)) => (*a..*b).map(|v| self.seller_key(self.perm(v))).collect(),
            _ => vec![],
        }
    }

    fn ring_of(&self, v: u64) -> Option<(usize, u64, u64)> {
        if v >= self.planted {
            return None;
        }
        let r = self.ring_start.partition_point(|s| *s <= v) - 1;
        let start = self.ring_start[r];
        Some((r, v - start, self.ring_start[r + 1] - start))
    }

    /// The account of published seller number `s`.
    pub fn seller_key(&self, s: u64) -> SellerKey {
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

/// Listing `j` of virtual seller `v` (published as `plan.perm(v)`), with its account.
pub fn listing(plan: &Plan, v: u64, j: u64) -> (SellerKey, Listing) {
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
