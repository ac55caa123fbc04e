//! The model card written next to the weights: what each head was trained on, under which
//! licence, how it did on held-out data, and the command that produced it.

use std::fmt::Write as _;
use std::path::Path;

use soi_score::Head;

use super::{AnalystReport, HeadResult, TrainConfig};
use crate::LearnError;

/// Licence and use note of each training set (from its SOURCE.md).
fn licence(set: &str) -> &'static str {
    match set {
        "vi_smishing_ie403" => "no licence stated (all rights reserved by default): internal evaluation use only; holds phone and account numbers, never published",
        "sms_spam_collection_uci" => "free use, copyright kept by Almeida and Gómez Hidalgo (UCI lists CC BY 4.0); cite DocEng 2011",
        "ec_darkpattern_yada" => "Apache-2.0 (Yada et al. 2022); positives come from Mathur et al. (GPL-3.0 repository)",
        "dark_patterns_mathur" => "GPL-3.0 repository (Mathur et al. 2019)",
        "vispamreviews" => "research only, CC BY-NC 4.0 per mirror (Van Dinh et al. 2022): NON-COMMERCIAL",
        "op_spam_v1.4" => "CC BY-NC-SA 3.0 (Ott et al. 2011, 2013): NON-COMMERCIAL, share-alike",
        _ => "see the set's SOURCE.md",
    }
}

fn baseline(head: Head) -> &'static str {
    match head {
        Head::ReviewSpam => {
            "ViSpamReviews test macro-F1: PhoBERT 86.89, BERT4News 81.20, TextCNN 77.04"
        }
        Head::ReviewSpamType => {
            "ViSpamReviews test macro-F1 (4-class): PhoBERT 72.17, TextCNN 64.14, BERT4News 62.62"
        }
        Head::MisleadingClaim => {
            "Yada et al. F1: RoBERTa-large 0.975, BERT-base 0.971, BoW logistic regression 0.960"
        }
        Head::DeceptiveReview => "Ott et al. 2011: about 0.90 accuracy (5-fold CV, positive half)",
        Head::Scam => "peers on this machine: TF-IDF + logistic regression and fastText",
    }
}

pub fn write(
    dir: &Path,
    cfg: &TrainConfig,
    results: &[HeadResult],
    command: &str,
    analyst: Option<&AnalystReport>,
) -> Result<(), LearnError> {
    let mut s = String::new();
    let h = &cfg.hashing;
    let _ = writeln!(s, "# Model card: {}\n", cfg.name);
    let _ = writeln!(
        s,
        "The fast tier of `soi`: one linear layer over hashed word unigrams and bigrams, words with \
         diacritics, character {}-{}-grams of folded words and a few length/shape features, in {} \
         buckets (2^{}), with one output lane per binary head and four for `review_spam_type`. \
         It is fastText's embedding bag with the output layer folded in, trained directly in that \
         folded form with candle (Adam, decoupled weight decay, epoch chosen on held-out data), \
         then calibrated per head on the held-out data (Platt scaling for binary heads, a \
         temperature for the 4-class head). Stored as `weights.safetensors` (`weights`: f16 \
         `[{}, 8]`, `bias`: f32 `[8]`) and `config.json` (hashing, heads, calibration, \
         thresholds, held-out metrics). Seed {}; training is deterministic for a seed.\n",
        h.char_min,
        h.char_max,
        h.buckets(),
        h.bits,
        h.buckets(),
        cfg.seed
    );
    let _ = writeln!(s, "Produced by:\n\n```\n{command}\n```\n");
    let _ = writeln!(s, "## Held-out metrics\n");
    let _ = writeln!(
        s,
        "Measured on held-out data the head was not trained on (ViSpamReviews: its dev split; \
         op_spam: fold 4, trained on folds 1-3; other sets: a seeded stratified {:.0}% of train). \
         These are not the authors' test splits, which are kept aside for an independent \
         evaluation with `soi eval`.\n",
        cfg.dev_fraction * 100.0
    );
    if cfg.heads.values().any(|p| p.refit) {
        let _ = writeln!(
            s,
            "Heads with `refit = true` in the training config were then trained again on train + \
             held-out together for the chosen number of epochs, keeping the held-out calibration and \
             threshold: the shipped weights saw more data than the ones measured here.\n"
        );
    }
    let _ = writeln!(s, "| head | train | held-out n | accuracy | macro-F1 | F1 (pos) | precision | recall | PR-AUC | ECE | threshold | epoch | published baseline (test split) |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let m = &r.report;
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.2} | {} | {} |",
            r.spec.name, r.n_train, m.n, m.accuracy, m.macro_f1, m.f1_pos, m.precision_pos,
            m.recall_pos, m.pr_auc, m.ece, r.spec.threshold, r.best_epoch, baseline(r.spec.name)
        );
    }
    let _ = writeln!(
        s,
        "\nFor `review_spam_type` the `_pos` columns treat any spam class (1, 2, 3) as positive and \
         ECE uses the top-class confidence.\n"
    );
    if let Some(a) = analyst {
        analyst_section(&mut s, a);
    }
    let _ = writeln!(s, "## Training sets and licences\n");
    let _ = writeln!(s, "| head | sets | licence |\n|---|---|---|");
    for r in results {
        for d in &r.spec.datasets {
            let _ = writeln!(s, "| `{}` | {} | {} |", r.spec.name, d, licence(d));
        }
    }
    let _ = writeln!(
        s,
        "\n**Use:** because ViSpamReviews and op_spam are non-commercial and vi_smishing_ie403 has no \
         licence, these weights are for research and public-interest enforcement work, not for \
         commercial use. `dark_patterns_mathur` is deliberately *not* used: its strings are the \
         positives of `ec_darkpattern_yada`, including those of Yada's held-out test split, so \
         training on it would leak that test split into the model.\n"
    );
    let _ = writeln!(
        s,
        "## Evaluate and benchmark\n\n```\n\
         soi eval --head review_spam --data FILE.jsonl        # one JSON object of metrics\n\
         soi bench score --input LISTINGS.jsonl               # listings/s per thread and total, peak memory\n\
         soi bench score --input TEXTS.jsonl --head review_spam --threads 1\n\
         bash crates/soi-learn/benches/fasttext_compare.sh    # side by side with fastText\n```\n"
    );
    let _ = writeln!(
        s,
        "## Limits\n\n- `scam` learns from SMS (Vietnamese smishing and English SMS spam), not from \
         marketplace listings; in `soi` it is one input of the fusion beside the rule signals.\n\
         - `deceptive_review` learns from crowd-written fake hotel reviews in English.\n\
         - The hashing trick means unrelated n-grams share buckets; 2^{} buckets keep collisions rare \
         for these set sizes.\n",
        h.bits
    );
    let p = dir.join("README.md");
    std::fs::write(&p, s).map_err(|e| LearnError::io(&p, e))
}

/// Analysts' labels: how many, how weighted, and each marketplace's threshold with its figures.
fn analyst_section(s: &mut String, a: &AnalystReport) {
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
    let _ = writeln!(
        s,
        "## Analysts' labels\n\n`scam` also learned from {} analysts' labels ({} scam, {} not scam) \
         at loss weight {}; the newest {} (from {}) were held out by time and only measured. \
         Per-marketplace thresholds were tuned on {}-fold out-of-fold probabilities of the older \
         labels (`tuned-on` figures are optimistic for that reason); marketplaces with too few \
         labels keep the global threshold {:.2}. Held out, at these thresholds: precision {}, \
         recall {}.\n",
        a.labels,
        a.scam,
        a.not_scam,
        a.weight,
        a.held_out,
        a.held_out_from
            .map_or("-".to_string(), |t| t.to_rfc3339()),
        a.folds,
        a.global_threshold,
        f(a.held_out_at_threshold.precision),
        f(a.held_out_at_threshold.recall),
    );
    let _ = writeln!(s, "| marketplace | labels | held out | threshold | source | held-out precision | held-out recall |\n|---|---|---|---|---|---|---|");
    for (m, r) in &a.marketplaces {
        let _ = writeln!(
            s,
            "| `{m}` | {} | {} | {:.2} | {}{} | {} | {} |",
            r.labels,
            r.held_out_labels,
            r.threshold,
            r.source,
            r.why_global
                .as_ref()
                .map_or(String::new(), |w| format!(" ({w})")),
            f(r.held_out.precision),
            f(r.held_out.recall),
        );
    }
    let _ = writeln!(s);
}
