//! `soi eval --tier fast|encoder|cascade`: one head's metrics on labelled texts for each tier, so
//! the cascade's gain over either tier alone is visible on the same texts. The cascade embeds
//! only the texts the fast tier is unsure about, as the scorer does.

use soi_learn::metrics::EvalReport;
use soi_score::fast::FastModel;
use soi_score::Head;

use crate::cascade;
use crate::heads::{report, Heads, Probs};
use crate::train::embed_cached;
use crate::{Encoder, EncoderError};

/// Which tier answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Fast,
    Encoder,
    Cascade,
}

impl std::str::FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Tier, String> {
        match s {
            "fast" => Ok(Tier::Fast),
            "encoder" => Ok(Tier::Encoder),
            "cascade" => Ok(Tier::Cascade),
            o => Err(format!("unknown tier `{o}` (fast, encoder, cascade)")),
        }
    }
}

/// Metrics of `head` on `data` for `tier`. `encoder` is needed for the encoder and the cascade.
pub fn evaluate(
    tier: Tier,
    fast: &FastModel,
    encoder: Option<(&Encoder, &Heads)>,
    head: Head,
    data: &[(String, usize)],
    progress: &dyn Fn(usize, usize),
) -> Result<EvalReport, EncoderError> {
    if tier == Tier::Fast {
        return Ok(soi_learn::eval::evaluate(fast, head, data)?);
    }
    let (enc, heads) = encoder.ok_or_else(|| EncoderError::Heads {
        path: String::new(),
        why: "the encoder tier needs a checkpoint and heads".into(),
    })?;
    let i = heads.find(head).ok_or_else(|| EncoderError::Heads {
        path: heads.config.name.clone(),
        why: format!("no head `{head}`"),
    })?;
    let spec = &heads.config.heads[i];
    let gold: Vec<usize> = data.iter().map(|d| d.1).collect();
    let fast_spec = fast
        .head(head)
        .ok_or_else(|| soi_score::ScoreError::UnknownHead(head.to_string()))?;
    let fast_p: Vec<Probs> = data
        .iter()
        .map(|(t, _)| Probs::from_row(fast.head_probs_for(fast_spec, t), spec.classes))
        .collect();
    // The texts to embed: all of them for the encoder, the unsure ones for the cascade.
    let idx: Vec<usize> = (0..data.len())
        .filter(|&k| {
            tier == Tier::Encoder || cascade::unsure(&fast_p[k], fast_spec.threshold, spec.mix)
        })
        .collect();
    let texts: Vec<&str> = idx.iter().map(|&k| data[k].0.as_str()).collect();
    let vecs = embed_cached(enc, &texts, progress)?;
    let mut probs = fast_p.clone();
    for (&k, v) in idx.iter().zip(&vecs) {
        let e = heads.predict(i, v);
        probs[k] = match tier {
            Tier::Encoder => e,
            _ => cascade::combine(
                &fast_p[k],
                &e,
                (fast_spec.threshold, spec.threshold),
                spec.mix,
            ),
        };
    }
    let threshold = if tier == Tier::Encoder {
        spec.threshold
    } else {
        fast_spec.threshold
    };
    Ok(report(head, &probs, &gold, threshold))
}
