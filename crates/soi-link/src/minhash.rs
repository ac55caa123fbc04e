//! Near-duplicate listing text: MinHash over word 3-grams, banded into blocking keys.
//!
//! A ring of accounts copies one scam description and changes a word or two per account, so
//! exact comparison misses it and comparing every pair of a million listings is out of reach.
//! MinHash estimates the Jaccard similarity of two texts' shingle sets from [`HASHES`] numbers per
//! text; LSH banding ([`BANDS`] bands of [`ROWS`] numbers) turns "probably similar" into shared
//! blocking keys, so only texts that share a band are ever compared. A shared band alone is not a
//! link: the linker verifies the estimated similarity against [`NEAR_THRESHOLD`] first.
//!
//! With 16 bands of 4 rows, a pair at similarity 0.7 shares a band with probability 0.99, at 0.5
//! 0.64 (then refused by the check) and at 0.2 0.03: unrelated texts are almost never compared.
//! Everything is seeded by constants, so signatures and keys are the same on every run and
//! machine.

use crate::types::{Evidence, LinkKey, LinkKind};

/// Numbers in a signature.
pub const HASHES: usize = 64;
/// Bands the signature is cut into for blocking.
pub const BANDS: usize = 16;
/// Numbers per band.
pub const ROWS: usize = HASHES / BANDS;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;
/// Texts with fewer words give no signature: short titles ("Áo thun nam cotton") are shared by
/// thousands of honest sellers.
pub const MIN_WORDS: usize = 8;
/// Estimated Jaccard similarity from which two texts are near duplicates.
pub const NEAR_THRESHOLD: f64 = 0.7;

/// Characters of a near-duplicate text quoted as evidence (its start; `start`/`end` cover the
/// whole field). Shorter than `soi_model::MAX_EVIDENCE_CHARS` because the linker keeps one per
/// listing that may be linked later: enough to recognise the copied text, and the listing id
/// leads to all of it.
pub const NEAR_QUOTE_CHARS: usize = 60;

/// A MinHash signature: for each of [`HASHES`] hash functions, the least hash over the text's
/// shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; HASHES]);

/// The compact form the linker keeps per listing: the low 16 bits of each number. Two different
/// minima agree on them with probability 1/65536, which moves an estimate by nothing that matters
/// and halves the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compact(pub [u16; HASHES]);

impl Signature {
    /// The estimated Jaccard similarity of the two texts: the fraction of equal numbers.
    pub fn similarity(&self, other: &Signature) -> f64 {
        agreement(&self.0, &other.0)
    }

    pub fn compact(&self) -> Compact {
        let mut out = [0u16; HASHES];
        for (o, v) in out.iter_mut().zip(self.0.iter()) {
            *o = (*v & 0xffff) as u16;
        }
        Compact(out)
    }

    /// One hash per band, the band's index mixed in so equal rows in different bands differ.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut out = [0u64; BANDS];
        for (b, o) in out.iter_mut().enumerate() {
            let mut h = FNV_OFFSET ^ (b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for v in &self.0[b * ROWS..(b + 1) * ROWS] {
                h = mix(h ^ u64::from(*v));
            }
            *o = h;
        }
        out
    }
}

impl Compact {
    /// [`Signature::similarity`] on the compact forms.
    pub fn similarity(&self, other: &Compact) -> f64 {
        agreement(&self.0, &other.0)
    }
}

/// The fraction of positions where two signatures hold the same number.
fn agreement<T: PartialEq>(a: &[T; HASHES], b: &[T; HASHES]) -> f64 {
    let same = a.iter().zip(b.iter()).filter(|(x, y)| x == y).count();
    same as f64 / HASHES as f64
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The splitmix64 finaliser: a fast, well-spread 64-bit mix.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The fixed multipliers (odd) and offsets of the hash family `(a·x + b) >> 32`.
const SEEDS: [(u64, u64); HASHES] = {
    let mut out = [(0u64, 0u64); HASHES];
    let mut i = 0;
    while i < HASHES {
        let a = mix(0x5eed_0000 + 2 * i as u64) | 1;
        let b = mix(0x5eed_0000 + 2 * i as u64 + 1);
        out[i] = (a, b);
        i += 1;
    }
    out
};

/// 64-bit FNV-1a of the bytes, finalised with [`mix`].
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    mix(h)
}

/// The folded words of a text: lower case, no diacritics, split at anything not a letter or digit.
pub fn words(text: &str) -> Vec<String> {
    soi_text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The signature of a text, or `None` when it has fewer than [`MIN_WORDS`] words.
pub fn signature(text: &str) -> Option<Signature> {
    let folded = soi_text::fold(text);
    let word_hashes: Vec<u64> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| hash_bytes(0, w.as_bytes()))
        .collect();
    if word_hashes.len() < MIN_WORDS {
        return None;
    }
    let mut mins = [u32::MAX; HASHES];
    for gram in word_hashes.windows(SHINGLE_WORDS) {
        let mut h = FNV_OFFSET;
        for w in gram {
            h = mix(h ^ *w);
        }
        for (m, (a, b)) in mins.iter_mut().zip(SEEDS.iter()) {
            let v = (h.wrapping_mul(*a).wrapping_add(*b) >> 32) as u32;
            if v < *m {
                *m = v;
            }
        }
    }
    Some(Signature(mins))
}

/// The blocking keys of one field's text ([`LinkKind::NearText`], value the band hash in hex),
/// with its signature; `None` for short texts.
pub fn near_text_keys(field: &str, text: &str) -> Option<(Signature, Vec<LinkKey>)> {
    let sig = signature(text)?;
    let evidence = Evidence {
        field: field.to_string(),
        start: 0,
        end: text.chars().count(),
        quote: soi_model::truncate_chars(text, NEAR_QUOTE_CHARS).to_string(),
    };
    let keys = sig
        .bands()
        .iter()
        .map(|h| LinkKey {
            kind: LinkKind::NearText,
            value: format!("{h:016x}"),
            evidence: evidence.clone(),
        })
        .collect();
    Some((sig, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESC: &str = "Giày thể thao nam nữ phong cách Hàn Quốc, đế cao su chống trơn trượt, \
        vải lưới thoáng khí, đủ size từ 36 đến 44, giao hàng toàn quốc, nhận hàng kiểm tra rồi \
        mới thanh toán, liên hệ shop để được tư vấn chọn size phù hợp với chân của bạn";

    #[test]
    fn deterministic_and_identical_texts_agree() {
        let a = signature(DESC).unwrap();
        let b = signature(DESC).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.similarity(&b), 1.0);
        assert_eq!(a.bands(), b.bands());
        // Case and diacritics do not matter.
        let c = signature(&DESC.to_uppercase()).unwrap();
        assert_eq!(a, c);
    }

    #[test]
    fn one_word_changed_is_near_different_text_is_not() {
        let a = signature(DESC).unwrap();
        let b = signature(&DESC.replace("Hàn Quốc", "Nhật Bản")).unwrap();
        assert!(a.similarity(&b) >= NEAR_THRESHOLD, "{}", a.similarity(&b));
        assert!(a.compact().similarity(&b.compact()) >= NEAR_THRESHOLD);
        let a_bands = a.bands();
        assert!(b.bands().iter().any(|h| a_bands.contains(h)));
        let other = "Nồi chiên không dầu dung tích lớn 6 lít, giao hàng toàn quốc, bảo hành \
            chính hãng 12 tháng, nhận hàng kiểm tra rồi mới thanh toán, tặng kèm sách công thức";
        let o = signature(other).unwrap();
        assert!(a.similarity(&o) < 0.3, "{}", a.similarity(&o));
    }

    #[test]
    fn short_texts_have_no_signature() {
        assert!(signature("Áo thun nam cotton cổ tròn").is_none());
        assert!(near_text_keys("title", "Giày nam đẹp").is_none());
        let (_, keys) = near_text_keys("description", DESC).unwrap();
        assert_eq!(keys.len(), BANDS);
        assert!(keys.iter().all(|k| k.kind == LinkKind::NearText));
        assert_eq!(keys[0].evidence.end, DESC.chars().count());
    }
}
