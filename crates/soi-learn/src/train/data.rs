//! The labelled sets behind each head, read from the shared data folder (`SOI_SHARED_DATA`, else
//! `../shared/data` beside the repository). Nothing here is copied into the repository.
//!
//! Held-out data for calibration and model selection: the set's own dev split where it has one
//! (ViSpamReviews), fold 4 of op_spam (fold 5 is the authors' test fold and is not here), and a
//! seeded, stratified 15% of train elsewhere. Exact duplicate texts are dropped within a set
//! before splitting so the held-out numbers are honest.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::csv::parse;
use super::rng::SplitMix;
use crate::LearnError;
use soi_score::Head;

/// One labelled text.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: usize,
}

/// Train and held-out examples of one head.
#[derive(Debug, Default)]
pub struct Split {
    pub train: Vec<Example>,
    pub dev: Vec<Example>,
    /// The set folders used.
    pub datasets: Vec<String>,
}

/// The shared data folder: `SOI_SHARED_DATA`, else `<repo>/../shared/data`.
pub fn shared_data_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("SOI_SHARED_DATA") {
        return Some(PathBuf::from(d));
    }
    soi_score::paths::repo_root().map(|r| r.join("..").join("shared").join("data"))
}

fn read(dir: &Path, rel: &str) -> Result<String, LearnError> {
    let p = dir.join(rel);
    std::fs::read_to_string(&p).map_err(|e| LearnError::io(&p, e))
}

fn bad(rel: &str, why: impl Into<String>) -> LearnError {
    LearnError::Data {
        path: rel.to_string(),
        why: why.into(),
    }
}

/// Rows of a delimited file as maps from header name to value.
fn table(
    dir: &Path,
    rel: &str,
    delim: char,
) -> Result<(Vec<String>, Vec<Vec<String>>), LearnError> {
    let text = read(dir, rel)?;
    let mut rows = if delim == '\t' {
        text.trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect::<Vec<Vec<String>>>()
    } else {
        parse(&text, delim)
    };
    if rows.is_empty() {
        return Err(bad(rel, "empty file"));
    }
    let header = rows.remove(0);
    Ok((header, rows))
}

fn col(header: &[String], rel: &str, name: &str) -> Result<usize, LearnError> {
    header
        .iter()
        .position(|h| h.trim() == name)
        .ok_or_else(|| bad(rel, format!("no column `{name}`")))
}

fn examples(
    dir: &Path,
    rel: &str,
    delim: char,
    text_col: &str,
    label: impl Fn(&[String], &[String]) -> Option<usize>,
) -> Result<Vec<Example>, LearnError> {
    let (header, rows) = table(dir, rel, delim)?;
    let t = col(&header, rel, text_col)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in rows {
        let Some(text) = r.get(t).map(|s| s.trim().to_string()) else {
            continue;
        };
        if text.is_empty() || !seen.insert(text.clone()) {
            continue;
        }
        if let Some(label) = label(&header, &r) {
            out.push(Example { text, label });
        }
    }
    if out.is_empty() {
        return Err(bad(rel, "no labelled rows"));
    }
    Ok(out)
}

fn field<'a>(header: &[String], row: &'a [String], name: &str) -> Option<&'a str> {
    let i = header.iter().position(|h| h.trim() == name)?;
    row.get(i).map(|s| s.trim())
}

/// Splits off a stratified `frac` of `v` as held-out data, deterministically for `seed`.
pub fn stratified(v: Vec<Example>, frac: f64, seed: u64) -> (Vec<Example>, Vec<Example>) {
    let mut rng = SplitMix::new(seed);
    let classes = v.iter().map(|e| e.label).max().map_or(0, |m| m + 1);
    let (mut train, mut dev) = (Vec::new(), Vec::new());
    for c in 0..classes {
        let mut of_c: Vec<Example> = v.iter().filter(|e| e.label == c).cloned().collect();
        rng.shuffle(&mut of_c);
        let k = ((of_c.len() as f64) * frac).round() as usize;
        dev.extend(of_c.drain(..k));
        train.extend(of_c);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut dev);
    (train, dev)
}

/// The train / held-out split of a head.
pub fn load_head(head: Head, dir: &Path, dev_frac: f64, seed: u64) -> Result<Split, LearnError> {
    let binary = |s: Option<&str>, pos: &str| s.map(|v| usize::from(v == pos));
    match head {
        Head::Scam => {
            let vi = examples(
                dir,
                "vi_smishing_ie403/train.csv",
                ',',
                "content",
                |h, r| binary(field(h, r, "label"), "1"),
            )?;
            let en = examples(
                dir,
                "sms_spam_collection_uci/train.tsv",
                '\t',
                "text",
                |h, r| binary(field(h, r, "label"), "spam"),
            )?;
            let (mut train, mut dev) = stratified(vi, dev_frac, seed);
            let (t2, d2) = stratified(en, dev_frac, seed ^ 1);
            train.extend(t2);
            dev.extend(d2);
            Ok(Split {
                train,
                dev,
                datasets: vec!["vi_smishing_ie403".into(), "sms_spam_collection_uci".into()],
            })
        }
        Head::MisleadingClaim => {
            let v = examples(
                dir,
                "ec_darkpattern_yada/train.tsv",
                '\t',
                "text",
                |h, r| binary(field(h, r, "label"), "1"),
            )?;
            let (train, dev) = stratified(v, dev_frac, seed);
            Ok(Split {
                train,
                dev,
                datasets: vec!["ec_darkpattern_yada".into()],
            })
        }
        Head::ReviewSpam | Head::ReviewSpamType => {
            let col = if head == Head::ReviewSpam {
                "Label"
            } else {
                "SpamLabel"
            };
            let lab = |h: &[String], r: &[String]| field(h, r, col).and_then(|v| v.parse().ok());
            let train = examples(dir, "vispamreviews/train.csv", ',', "Comment", lab)?;
            let dev = examples(dir, "vispamreviews/dev.csv", ',', "Comment", lab)?;
            Ok(Split {
                train,
                dev,
                datasets: vec!["vispamreviews".into()],
            })
        }
        Head::DeceptiveReview => {
            let lab = |h: &[String], r: &[String]| binary(field(h, r, "deceptive"), "deceptive");
            let all = examples(dir, "op_spam_v1.4/train.csv", ',', "text", |h, r| {
                let fold: usize = field(h, r, "fold")?.parse().ok()?;
                lab(h, r).map(|l| l + 10 * fold)
            })?;
            let (mut train, mut dev) = (Vec::new(), Vec::new());
            for mut e in all {
                let fold = e.label / 10;
                e.label %= 10;
                if fold == 4 {
                    dev.push(e);
                } else {
                    train.push(e);
                }
            }
            Ok(Split {
                train,
                dev,
                datasets: vec!["op_spam_v1.4".into()],
            })
        }
    }
}
