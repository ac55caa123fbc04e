//! Hashed n-gram features, shared by training and scoring so both see exactly the same buckets.
//!
//! A text becomes, per namespace, a bag of bucket ids:
//! - `WORD`: folded words (lower case, no diacritics, teencode expanded, digits as `0`),
//! - `BIGRAM`: pairs of consecutive folded words,
//! - `DIAC`: words with their diacritics (Vietnamese tone marks carry meaning when present),
//! - `CHAR`: character n-grams of folded words with `<` `>` boundaries (fastText style),
//! - `META`: length, digits, emoji, exclamation, upper case, URL and repeated-character buckets.
//!
//! Each namespace is normalised by `1/sqrt(count)`, so the score of a text is
//! `bias + sum over namespaces of (sum of bucket weights) / sqrt(count)`: one pass, no allocation
//! per n-gram (the folded words live in a reusable [`Scratch`]).

use serde::{Deserialize, Serialize};
use soi_text::fold_char_into;

pub const WORD: usize = 0;
pub const BIGRAM: usize = 1;
pub const DIAC: usize = 2;
pub const CHAR: usize = 3;
pub const META: usize = 4;
/// Number of namespaces.
pub const NS: usize = 5;

/// Namespace names as `pipelines/train.toml` spells them.
pub const NS_NAMES: [&str; NS] = ["word", "bigram", "diac", "char", "meta"];

/// How texts are hashed. Stored in the model's `config.json`; a model only makes sense with the
/// hashing it was trained with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashConfig {
    /// log2 of the number of buckets.
    pub bits: u32,
    pub seed: u64,
    pub char_min: usize,
    pub char_max: usize,
    /// Longest word (in characters) that char n-grams are taken from.
    pub char_word_max: usize,
}

impl Default for HashConfig {
    fn default() -> Self {
        HashConfig {
            bits: 18,
            seed: 0x5013_2026,
            char_min: 2,
            char_max: 5,
            char_word_max: 24,
        }
    }
}

/// Reusable buffers for featurising one text at a time.
#[derive(Debug, Default)]
pub struct Scratch {
    word: Vec<char>,
    folded: Vec<char>,
    mixed: Vec<u64>,
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn fnv(mut h: u64, x: u32) -> u64 {
    for b in x.to_le_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// One hashing step per character: mix the code point in and multiply (a multiplicative hash;
/// `finish` spreads the bits before taking the bucket).
#[inline(always)]
fn step(h: u64, c: char) -> u64 {
    (h ^ mix(c)).wrapping_mul(FNV_PRIME)
}

/// The per-character value `step` mixes in.
#[inline(always)]
fn mix(c: char) -> u64 {
    (c as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// What the featuriser needs to know about a character, precomputed for the first 0x2000 code
/// points (ASCII, Latin-1, Latin Extended A/B, Vietnamese in Latin Extended Additional) so the
/// hot loop does one table read instead of Unicode lookups.
#[derive(Clone, Copy)]
struct CharInfo {
    lower: char,
    folded: char,
    /// Bits: 1 word character, 2 numeric, 4 upper case, 8 needs the slow path.
    flags: u8,
}

const TABLE: usize = 0x2000;

static CHARS: std::sync::LazyLock<Vec<CharInfo>> = std::sync::LazyLock::new(|| {
    (0..TABLE as u32)
        .map(|u| {
            let c = char::from_u32(u).unwrap_or('\0');
            let word = c.is_alphanumeric() || unicode_mark(c);
            let mut lower = c.to_lowercase();
            let (l, more) = (lower.next().unwrap_or(c), lower.next().is_some());
            let mut folded = Vec::new();
            fold_char_into(l, &mut |f| {
                folded.push(if f.is_ascii_digit() { '0' } else { f })
            });
            let slow = more || folded.len() != 1;
            CharInfo {
                lower: l,
                folded: folded.first().copied().unwrap_or(l),
                flags: u8::from(word)
                    | (u8::from(c.is_numeric()) << 1)
                    | (u8::from(c.is_uppercase()) << 2)
                    | (u8::from(slow) << 3),
            }
        })
        .collect()
});

/// Packs a folded word of 1-4 ASCII lower-case letters into a key, for the teencode table.
fn pack(w: &[char]) -> Option<u32> {
    if w.is_empty() || w.len() > 4 {
        return None;
    }
    w.iter().try_fold(0u32, |k, &c| {
        c.is_ascii_lowercase().then_some((k << 8) | c as u32)
    })
}

/// Teencode expansions keyed by [`pack`], sorted for binary search.
static TEEN: std::sync::LazyLock<Vec<(u32, &'static str)>> = std::sync::LazyLock::new(|| {
    let mut v: Vec<(u32, &'static str)> = soi_text::teencode::table()
        .iter()
        .filter_map(|(t, e)| pack(&t.chars().collect::<Vec<_>>()).map(|k| (k, *e)))
        .collect();
    v.sort_unstable_by_key(|x| x.0);
    v
});

/// Every namespace.
pub const ALL: u8 = (1 << NS) - 1;

#[inline]
fn finish(h: u64, bits: u32) -> u32 {
    let h = (h ^ (h >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> (64 - bits)) as u32
}

fn bucket_of(c: f64, edges: &[f64]) -> u32 {
    edges.iter().take_while(|&&e| c >= e).count() as u32
}

impl HashConfig {
    pub fn buckets(&self) -> usize {
        1usize << self.bits
    }

    #[inline]
    fn ns_seed(&self, ns: usize) -> u64 {
        fnv(0xcbf2_9ce4_8422_2325 ^ self.seed, ns as u32 + 1)
    }

    /// Calls `emit(namespace, bucket)` for every feature of `text`.
    pub fn for_each(&self, text: &str, s: &mut Scratch, emit: impl FnMut(usize, u32)) {
        self.for_each_in(text, s, ALL, emit)
    }

    /// [`HashConfig::for_each`] computing only the namespaces whose bit is set in `mask`
    /// (`1 << WORD | 1 << CHAR ...`): a head that learned nothing from a namespace skips it.
    pub fn for_each_in(
        &self,
        text: &str,
        s: &mut Scratch,
        mask: u8,
        mut emit: impl FnMut(usize, u32),
    ) {
        let bits = self.bits;
        let want = |ns: usize| mask & (1 << ns) != 0;
        let (w_word, w_bigram, w_diac, w_char, w_meta) =
            (want(WORD), want(BIGRAM), want(DIAC), want(CHAR), want(META));
        let seeds: [u64; NS] = std::array::from_fn(|ns| self.ns_seed(ns));
        let mut prev: Option<u64> = None;
        let (mut n_words, mut digits, mut emoji, mut bang, mut upper, mut letters) =
            (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
        let mut longest_run = 0u32;
        let (mut run, mut last) = (0u32, '\0');
        let mut url = false;
        let mut chars = text.chars().peekable();
        loop {
            // Next word: a run of alphanumerics (combining marks stay in the word).
            s.word.clear();
            s.folded.clear();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || (!c.is_ascii() && unicode_mark(c)) {
                    break;
                }
                chars.next();
                if !c.is_ascii()
                    && soi_text::emoji::is_emoji(c)
                    && c != '\u{fe0f}'
                    && c != '\u{200d}'
                {
                    emoji += 1;
                    if w_word {
                        // Every emoji is also a word token of its own, plus one shared token.
                        emit(WORD, finish(step(seeds[WORD], c), bits));
                        emit(WORD, finish(step(seeds[WORD], '\u{1f600}'), bits));
                    }
                } else if c == '!' {
                    bang += 1;
                } else if c == '/' || c == '.' {
                    // "http://", "www.", ".com", "t.me/": cheap URL cue.
                    url |= matches!(
                        chars.peek(),
                        Some('/') | Some('c') | Some('v') | Some('n') | Some('m') | Some('x')
                    );
                }
                (run, last) = if c == last { (run + 1, c) } else { (1, c) };
                longest_run = longest_run.max(run);
            }
            while let Some(&c) = chars.peek() {
                let info = CHARS.get(c as usize).filter(|i| i.flags & 8 == 0);
                if let Some(i) = info {
                    if i.flags & 1 == 0 {
                        break;
                    }
                    chars.next();
                    (run, last) = if c == last { (run + 1, c) } else { (1, c) };
                    longest_run = longest_run.max(run);
                    if i.flags & 2 != 0 {
                        digits += 1;
                    } else {
                        letters += 1;
                        upper += u32::from(i.flags & 4 != 0);
                    }
                    s.word.push(i.lower);
                    s.folded.push(i.folded);
                    continue;
                }
                if !(c.is_alphanumeric() || unicode_mark(c)) {
                    break;
                }
                chars.next();
                (run, last) = if c == last { (run + 1, c) } else { (1, c) };
                longest_run = longest_run.max(run);
                if c.is_numeric() {
                    digits += 1;
                } else {
                    letters += 1;
                    upper += u32::from(c.is_uppercase());
                }
                let start = s.word.len();
                s.word.extend(c.to_lowercase());
                for i in start..s.word.len() {
                    let lc = s.word[i];
                    let folded = &mut s.folded;
                    fold_char_into(lc, &mut |f| {
                        folded.push(if f.is_ascii_digit() { '0' } else { f })
                    });
                }
            }
            if s.word.is_empty() {
                break;
            }
            n_words += 1;
            if w_diac {
                let diac = s.word.iter().fold(seeds[DIAC], |h, &c| step(h, c));
                emit(DIAC, finish(diac, bits));
            }
            let expanded = pack(&s.folded).and_then(|k| {
                TEEN.binary_search_by_key(&k, |x| x.0)
                    .ok()
                    .map(|i| TEEN[i].1)
            });
            let wh = match expanded {
                Some(e) => e.chars().fold(seeds[WORD], step),
                None => s.folded.iter().fold(seeds[WORD], |h, &c| step(h, c)),
            };
            if w_word {
                emit(WORD, finish(wh, bits));
            }
            if w_bigram {
                if let Some(p) = prev {
                    let b = (seeds[BIGRAM] ^ p).wrapping_mul(FNV_PRIME) ^ wh.rotate_left(17);
                    emit(BIGRAM, finish(b.wrapping_mul(FNV_PRIME), bits));
                }
            }
            prev = Some(wh);
            if w_char {
                // Char n-grams of "<folded>": each start extends one character at a time, so all
                // lengths from one start cost one step each.
                let w = &s.folded[..s.folded.len().min(self.char_word_max)];
                s.mixed.clear();
                s.mixed.push(mix('<'));
                s.mixed.extend(w.iter().map(|&c| mix(c)));
                s.mixed.push(mix('>'));
                let m = &s.mixed;
                let len = m.len();
                let (lo, hi) = (self.char_min, self.char_max);
                for i in 0..len {
                    let mut h = seeds[CHAR];
                    let end = (i + hi).min(len);
                    for (j, &mj) in m[i..end].iter().enumerate() {
                        h = (h ^ mj).wrapping_mul(FNV_PRIME);
                        if j + 1 >= lo {
                            emit(CHAR, finish(h, bits));
                        }
                    }
                }
            }
        }
        if !w_meta {
            return;
        }
        let meta = |kind: u32, v: u32| {
            finish(
                step(
                    step(seeds[META], char::from_u32(kind).unwrap_or('?')),
                    char::from_u32(v).unwrap_or('?'),
                ),
                bits,
            )
        };
        emit(
            META,
            meta(
                1,
                bucket_of(
                    n_words as f64,
                    &[2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0],
                ),
            ),
        );
        emit(
            META,
            meta(
                2,
                bucket_of(digits as f64, &[1.0, 4.0, 8.0, 10.0, 16.0, 32.0]),
            ),
        );
        emit(
            META,
            meta(3, bucket_of(emoji as f64, &[1.0, 2.0, 4.0, 8.0])),
        );
        emit(META, meta(4, bucket_of(bang as f64, &[1.0, 2.0, 4.0])));
        let up = if letters > 0 {
            upper as f64 / letters as f64
        } else {
            0.0
        };
        emit(META, meta(5, bucket_of(up, &[0.05, 0.2, 0.5, 0.8])));
        emit(
            META,
            meta(6, bucket_of(longest_run as f64, &[3.0, 4.0, 6.0])),
        );
        emit(META, meta(7, u32::from(url)));
        emit(META, meta(8, 0));
    }

    /// Features of `text` as `(bucket, weight)` with the per-namespace `1/sqrt(count)` weights
    /// already applied (what training feeds the model).
    pub fn weighted(&self, text: &str, s: &mut Scratch, out: &mut Vec<(u32, f32)>) {
        self.weighted_masked(text, s, out, [true; NS]);
    }

    /// [`HashConfig::weighted`] keeping only the namespaces in `keep` (a head trained without a
    /// namespace keeps zero weights there, so scoring needs no mask).
    pub fn weighted_masked(
        &self,
        text: &str,
        s: &mut Scratch,
        out: &mut Vec<(u32, f32)>,
        keep: [bool; NS],
    ) {
        out.clear();
        let mut ns_of = Vec::new();
        let mut counts = [0usize; NS];
        self.for_each(text, s, |ns, b| {
            counts[ns] += 1;
            if keep[ns] {
                out.push((b, 0.0));
                ns_of.push(ns as u8);
            }
        });
        let scale: [f32; NS] = std::array::from_fn(|i| {
            if counts[i] > 0 {
                1.0 / (counts[i] as f32).sqrt()
            } else {
                0.0
            }
        });
        for (o, ns) in out.iter_mut().zip(ns_of) {
            o.1 = scale[ns as usize];
        }
    }
}

fn unicode_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(text: &str) -> Vec<(usize, u32)> {
        let mut v = Vec::new();
        HashConfig::default().for_each(text, &mut Scratch::default(), |ns, b| v.push((ns, b)));
        v
    }

    #[test]
    fn deterministic_and_in_range() {
        let a = feats("Hàng chính hãng 100% 🔥 ib zalo");
        assert_eq!(a, feats("Hàng chính hãng 100% 🔥 ib zalo"));
        let n = HashConfig::default().buckets() as u32;
        assert!(a.iter().all(|&(_, b)| b < n));
        assert!(a.iter().any(|&(ns, _)| ns == CHAR));
        assert!(a.iter().any(|&(ns, _)| ns == BIGRAM));
    }

    #[test]
    fn folded_forms_share_word_buckets() {
        let word = |t: &str| -> Vec<u32> {
            feats(t)
                .into_iter()
                .filter(|f| f.0 == WORD)
                .map(|f| f.1)
                .collect()
        };
        assert_eq!(word("hàng chính hãng"), word("HANG CHINH HANG"));
        // Teencode expands to the same word.
        assert_eq!(word("ko"), word("khong"));
        // Digits share a shape.
        assert_eq!(word("0912345678"), word("0987654321"));
    }

    #[test]
    fn weights_are_normalised_per_namespace() {
        let mut out = Vec::new();
        HashConfig::default().weighted("a b c d", &mut Scratch::default(), &mut out);
        assert!(out.iter().all(|&(_, w)| w > 0.0 && w <= 1.0));
    }
}
