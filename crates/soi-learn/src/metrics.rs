//! Evaluation metrics: accuracy, macro-F1, F1 / precision / recall of the positive class, PR-AUC
//! (average precision) and expected calibration error (ECE, 10 equal-width bins).

use serde::Serialize;

/// The `soi eval` contract: one JSON object per run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub head: String,
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub f1_pos: f64,
    pub precision_pos: f64,
    pub recall_pos: f64,
    pub pr_auc: f64,
    pub ece: f64,
}

fn r4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

/// Precision, recall, F1 of class `c`.
pub fn prf(pred: &[usize], gold: &[usize], c: usize) -> (f64, f64, f64) {
    let tp = pred
        .iter()
        .zip(gold)
        .filter(|(p, g)| **p == c && **g == c)
        .count() as f64;
    let fp = pred
        .iter()
        .zip(gold)
        .filter(|(p, g)| **p == c && **g != c)
        .count() as f64;
    let fn_ = pred
        .iter()
        .zip(gold)
        .filter(|(p, g)| **p != c && **g == c)
        .count() as f64;
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Macro-F1 over the classes present in gold or predictions.
pub fn macro_f1(pred: &[usize], gold: &[usize], classes: usize) -> f64 {
    let present: Vec<usize> = (0..classes)
        .filter(|c| gold.contains(c) || pred.contains(c))
        .collect();
    if present.is_empty() {
        return 0.0;
    }
    present.iter().map(|&c| prf(pred, gold, c).2).sum::<f64>() / present.len() as f64
}

/// Average precision of `score` ranking the positives (`gold == true`) first.
pub fn average_precision(score: &[f64], gold: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let pos = gold.iter().filter(|g| **g).count();
    if pos == 0 {
        return 0.0;
    }
    let (mut tp, mut ap) = (0.0, 0.0);
    for (rank, &i) in idx.iter().enumerate() {
        if gold[i] {
            tp += 1.0;
            ap += tp / (rank + 1) as f64;
        }
    }
    ap / pos as f64
}

/// Expected calibration error of confidences against correctness, 10 equal-width bins.
pub fn ece(conf: &[f64], correct: &[bool]) -> f64 {
    let n = conf.len();
    if n == 0 {
        return 0.0;
    }
    let mut bins = [(0.0f64, 0.0f64, 0usize); 10];
    for (&c, &ok) in conf.iter().zip(correct) {
        let b = ((c * 10.0) as usize).min(9);
        bins[b].0 += c;
        bins[b].1 += f64::from(u8::from(ok));
        bins[b].2 += 1;
    }
    bins.iter()
        .filter(|b| b.2 > 0)
        .map(|b| (b.2 as f64 / n as f64) * ((b.0 - b.1) / b.2 as f64).abs())
        .sum()
}

/// Metrics of a binary head from P(label 1) and a threshold.
pub fn binary(head: &str, probs: &[f64], gold: &[usize], threshold: f64) -> EvalReport {
    let pred: Vec<usize> = probs.iter().map(|&p| usize::from(p > threshold)).collect();
    let (p, r, f) = prf(&pred, gold, 1);
    let n = gold.len();
    let acc = pred.iter().zip(gold).filter(|(a, b)| a == b).count() as f64 / n.max(1) as f64;
    let pos: Vec<bool> = gold.iter().map(|&g| g == 1).collect();
    EvalReport {
        head: head.to_string(),
        n,
        accuracy: r4(acc),
        macro_f1: r4(macro_f1(&pred, gold, 2)),
        f1_pos: r4(f),
        precision_pos: r4(p),
        recall_pos: r4(r),
        pr_auc: r4(average_precision(probs, &pos)),
        // Calibration of P(label 1) itself, binned: |mean p - fraction positive| per bin.
        ece: r4(ece(probs, &pos)),
    }
}

/// Metrics of a multi-class head from class probabilities (argmax prediction). The `_pos`
/// fields and PR-AUC treat every class other than 0 as positive (for `review_spam_type`: spam of
/// any kind); ECE uses the top-class confidence.
pub fn multiclass(head: &str, probs: &[Vec<f64>], gold: &[usize]) -> EvalReport {
    let classes = probs.first().map_or(0, Vec::len);
    let argmax = |p: &Vec<f64>| {
        p.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i)
    };
    let pred: Vec<usize> = probs.iter().map(argmax).collect();
    let n = gold.len();
    let acc = pred.iter().zip(gold).filter(|(a, b)| a == b).count() as f64 / n.max(1) as f64;
    let pb: Vec<usize> = pred.iter().map(|&p| usize::from(p != 0)).collect();
    let gb: Vec<usize> = gold.iter().map(|&g| usize::from(g != 0)).collect();
    let (p, r, f) = prf(&pb, &gb, 1);
    let spam_score: Vec<f64> = probs
        .iter()
        .map(|p| 1.0 - p.first().copied().unwrap_or(0.0))
        .collect();
    let pos: Vec<bool> = gb.iter().map(|&g| g == 1).collect();
    let conf: Vec<f64> = probs
        .iter()
        .map(|p| p.iter().copied().fold(0.0, f64::max))
        .collect();
    let correct: Vec<bool> = pred.iter().zip(gold).map(|(a, b)| a == b).collect();
    EvalReport {
        head: head.to_string(),
        n,
        accuracy: r4(acc),
        macro_f1: r4(macro_f1(&pred, gold, classes)),
        f1_pos: r4(f),
        precision_pos: r4(p),
        recall_pos: r4(r),
        pr_auc: r4(average_precision(&spam_score, &pos)),
        ece: r4(ece(&conf, &correct)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_binary_metrics() {
        // Gold 1,1,0,0; predictions at 0.5: 1,0,1,0.
        let r = binary("h", &[0.9, 0.4, 0.6, 0.1], &[1, 1, 0, 0], 0.5);
        assert_eq!(r.accuracy, 0.5);
        assert_eq!(r.precision_pos, 0.5);
        assert_eq!(r.recall_pos, 0.5);
        assert_eq!(r.f1_pos, 0.5);
        assert_eq!(r.macro_f1, 0.5);
        // Ranking: 0.9(+) 0.6(-) 0.4(+) 0.1(-): AP = (1/1 + 2/3) / 2.
        assert_eq!(r.pr_auc, r4((1.0 + 2.0 / 3.0) / 2.0));
    }

    #[test]
    fn perfect_calibration_has_zero_ece() {
        let conf = [0.75; 4];
        let correct = [true, true, true, false];
        assert!(ece(&conf, &correct) < 1e-12);
    }

    #[test]
    fn multiclass_macro_f1() {
        let probs = vec![
            vec![0.8, 0.1, 0.1],
            vec![0.1, 0.8, 0.1],
            vec![0.1, 0.1, 0.8],
            vec![0.8, 0.1, 0.1],
        ];
        let r = multiclass("t", &probs, &[0, 1, 2, 2]);
        assert_eq!(r.accuracy, 0.75);
        // Class 0: p=0.5 r=1 f=2/3; class 1: 1; class 2: p=1 r=0.5 f=2/3.
        assert_eq!(r.macro_f1, r4((2.0 / 3.0 + 1.0 + 2.0 / 3.0) / 3.0));
    }
}
