//! `soi eval`: metrics of one head on a JSON Lines file of `{"text": ..., "label": N}`.

use std::path::Path;

use serde::Deserialize;

use soi_score::fast::FastModel;
use soi_score::{Head, ScoreError};

use crate::metrics::{binary, multiclass, EvalReport};
use crate::LearnError;

#[derive(Deserialize)]
struct Line {
    text: String,
    label: serde_json::Value,
}

fn label_of(v: &serde_json::Value) -> Option<usize> {
    match v {
        serde_json::Value::Number(n) => n
            .as_u64()
            .map(|x| x as usize)
            .or_else(|| n.as_f64().map(|f| f as usize)),
        serde_json::Value::Bool(b) => Some(usize::from(*b)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads the labelled lines of `path`.
pub fn read_labelled(path: &Path) -> Result<Vec<(String, usize)>, LearnError> {
    let text = std::fs::read_to_string(path).map_err(|e| LearnError::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| LearnError::Data {
            path: format!("{}:{}", path.display(), i + 1),
            why,
        };
        let l: Line = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let label = label_of(&l.label)
            .ok_or_else(|| bad(format!("label {} is not a class number", l.label)))?;
        out.push((l.text, label));
    }
    Ok(out)
}

/// Evaluates `head` of `model` on labelled texts.
pub fn evaluate(
    model: &FastModel,
    head: Head,
    data: &[(String, usize)],
) -> Result<EvalReport, LearnError> {
    use rayon::prelude::*;
    let spec = model
        .head(head)
        .ok_or_else(|| ScoreError::UnknownHead(head.to_string()))?;
    let probs: Vec<Vec<f64>> = data
        .par_iter()
        .map(|(t, _)| model.head_probs_for(spec, t))
        .collect();
    let gold: Vec<usize> = data.iter().map(|d| d.1).collect();
    Ok(if spec.classes <= 2 {
        let p: Vec<f64> = probs.iter().map(|v| v[0]).collect();
        binary(head.as_str(), &p, &gold, spec.threshold)
    } else {
        multiclass(head.as_str(), &probs, &gold)
    })
}

/// Evaluates `head` on the JSON Lines file at `path`.
pub fn evaluate_file(model: &FastModel, head: Head, path: &Path) -> Result<EvalReport, LearnError> {
    evaluate(model, head, &read_labelled(path)?)
}
