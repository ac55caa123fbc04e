//! Score drift: how the scores a marketplace gets move from day to day.
//!
//! Why: a classifier trained on last year's listings slowly stops fitting this year's. Nothing
//! fails; the scores just shift (a site changes its templates, scammers change their wording, a
//! crawler starts missing descriptions). The first visible sign is the score distribution, so the
//! store keeps it countable: each store tallies, per marketplace, head and UTC day, how many of
//! the latest verdicts fell in each tenth of [0, 1] ([`ScoreDay`], built by [`ScoreTally`] so that
//! both stores count the same way), and [`drift`] compares each recent day with a reference window
//! by the population stability index (PSI), the usual figure for this: under 0.1 is stable, 0.1 to
//! 0.25 a shift worth a look, above 0.25 a different population.
//!
//! Each listing counts once, by its latest verdict on the day that verdict was computed, the same
//! rule as every other figure analysts read from the store.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Score buckets: `[0, 0.1), [0.1, 0.2), … [0.9, 1.0]`.
pub const BINS: usize = 10;

/// The head name under which the calibrated risk itself is tallied.
pub const RISK: &str = "risk";

/// One marketplace's scores from one head on one UTC day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreDay {
    pub marketplace: String,
    /// `risk` for the calibrated risk, else the head's name (`scam`, …).
    pub head: String,
    pub day: NaiveDate,
    /// Verdicts per bucket ([`BINS`]).
    pub counts: [u64; BINS],
    /// Sum of the scores (for the mean).
    pub sum: f64,
}

impl ScoreDay {
    pub fn listings(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Counts verdicts into [`ScoreDay`]s as a store reads them.
#[derive(Debug, Default)]
pub struct ScoreTally {
    /// Marketplace, then head, then day: keys allocated once each, not once per score.
    days: BTreeMap<String, BTreeMap<String, BTreeMap<NaiveDate, Bins>>>,
}

/// One day's bucket counts and score sum.
type Bins = ([u64; BINS], f64);

/// `map[key]`, inserted empty when absent, without allocating the key when present.
fn slot<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("just inserted")
}

/// The part of a stored verdict body the tally reads.
#[derive(Deserialize)]
struct Heads {
    #[serde(default)]
    heads: BTreeMap<String, f64>,
}

impl ScoreTally {
    /// One verdict: its risk and each head's probability. Scores outside [0, 1] (or not
    /// numbers) are not counted: the model boundary refuses them, so they cannot come from a
    /// verdict soi wrote.
    pub fn add(
        &mut self,
        marketplace: &str,
        scored_at: DateTime<Utc>,
        risk: f64,
        heads: &BTreeMap<String, f64>,
    ) {
        let day = scored_at.date_naive();
        let scores =
            std::iter::once((RISK, risk)).chain(heads.iter().map(|(h, p)| (h.as_str(), *p)));
        let heads_of = slot(&mut self.days, marketplace);
        for (head, p) in scores {
            let Some(bin) = bin(p) else { continue };
            let e = slot(heads_of, head).entry(day).or_insert(([0; BINS], 0.0));
            e.0[bin] += 1;
            e.1 += p;
        }
    }

    /// One stored verdict whose body is the verdict's JSON (only `heads` is read from it).
    pub fn add_stored(
        &mut self,
        marketplace: &str,
        key: &str,
        scored_at: DateTime<Utc>,
        risk: f64,
        body: &str,
    ) -> Result<(), StoreError> {
        let h: Heads = crate::parse_stored("verdicts", key, body)?;
        self.add(marketplace, scored_at, risk, &h.heads);
        Ok(())
    }

    /// The days counted, by marketplace, head and day.
    pub fn finish(self) -> Vec<ScoreDay> {
        let mut out = Vec::new();
        for (marketplace, heads) in self.days {
            for (head, days) in heads {
                for (day, (counts, sum)) in days {
                    out.push(ScoreDay {
                        marketplace: marketplace.clone(),
                        head: head.clone(),
                        day,
                        counts,
                        sum,
                    });
                }
            }
        }
        out
    }
}

fn bin(p: f64) -> Option<usize> {
    (0.0..=1.0)
        .contains(&p)
        .then(|| ((p * BINS as f64) as usize).min(BINS - 1))
}

/// The population stability index of `current` against `reference`:
/// `Σ (c_i − r_i) · ln(c_i / r_i)` over the buckets' shares. Each share is smoothed by half a
/// count per bucket, so that an empty bucket on one side gives a large but finite figure.
pub fn psi(reference: &[u64; BINS], current: &[u64; BINS]) -> f64 {
    let share = |c: &[u64; BINS]| {
        let n: u64 = c.iter().sum();
        let total = n as f64 + 0.5 * BINS as f64;
        c.map(|x| (x as f64 + 0.5) / total)
    };
    let (r, c) = (share(reference), share(current));
    r.iter()
        .zip(c.iter())
        .map(|(r, c)| (c - r) * (c / r).ln())
        .sum()
}

/// What to compare: the `days` UTC days ending with `today`, each against the `reference_days`
/// days before them; PSI only where both sides have `min_listings` verdicts.
#[derive(Debug, Clone, Copy)]
pub struct DriftQuery {
    pub today: NaiveDate,
    pub days: u32,
    pub reference_days: u32,
    pub min_listings: u64,
}

impl DriftQuery {
    /// The first day of the current window.
    pub fn first_day(&self) -> NaiveDate {
        back(self.today, self.days.saturating_sub(1))
    }

    /// The first day of the reference window: the earliest day a store must read.
    pub fn since(&self) -> NaiveDate {
        back(self.first_day(), self.reference_days)
    }
}

fn back(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(n.into()))
        .unwrap_or(NaiveDate::MIN)
}

/// One recent day of one marketplace and head, against its reference window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftRow {
    pub marketplace: String,
    pub head: String,
    pub day: NaiveDate,
    pub listings: u64,
    /// Mean score that day.
    pub mean: f64,
    /// Verdicts in the reference window.
    pub reference_listings: u64,
    /// Mean score in the reference window (0 when it is empty).
    pub reference_mean: f64,
    /// `None` when either side has fewer than `min_listings` verdicts.
    pub psi: Option<f64>,
}

/// Each recent day with verdicts, per marketplace and head, against the reference window.
pub fn drift(days: &[ScoreDay], q: &DriftQuery) -> Vec<DriftRow> {
    let first = q.first_day();
    let since = q.since();
    let mut reference: BTreeMap<(&str, &str), ([u64; BINS], f64)> = BTreeMap::new();
    for d in days.iter().filter(|d| d.day >= since && d.day < first) {
        let e = reference
            .entry((&d.marketplace, &d.head))
            .or_insert(([0; BINS], 0.0));
        for (a, b) in e.0.iter_mut().zip(d.counts) {
            *a += b;
        }
        e.1 += d.sum;
    }
    let mut rows: Vec<DriftRow> = days
        .iter()
        .filter(|d| d.day >= first && d.day <= q.today)
        .map(|d| {
            let (ref_counts, ref_sum) = reference
                .get(&(d.marketplace.as_str(), d.head.as_str()))
                .copied()
                .unwrap_or(([0; BINS], 0.0));
            let reference_listings: u64 = ref_counts.iter().sum();
            let listings = d.listings();
            let enough =
                listings >= q.min_listings.max(1) && reference_listings >= q.min_listings.max(1);
            DriftRow {
                marketplace: d.marketplace.clone(),
                head: d.head.clone(),
                day: d.day,
                listings,
                mean: d.sum / listings.max(1) as f64,
                reference_listings,
                reference_mean: ref_sum / reference_listings.max(1) as f64,
                psi: enough.then(|| psi(&ref_counts, &d.counts)),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.marketplace, a.head != RISK, &a.head, a.day).cmp(&(
            &b.marketplace,
            b.head != RISK,
            &b.head,
            b.day,
        ))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 23, 59, 59)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn psi_is_zero_for_the_same_shape_and_grows_with_the_shift() {
        let a = [10, 20, 30, 40, 50, 50, 40, 30, 20, 10];
        let doubled = a.map(|x| x * 2);
        assert!(psi(&a, &doubled).abs() < 0.01, "{}", psi(&a, &doubled));
        let mut shifted = [0; BINS];
        shifted[1..].copy_from_slice(&a[..BINS - 1]);
        let mut far = [0; BINS];
        far[9] = 300;
        let (near, away) = (psi(&a, &shifted), psi(&a, &far));
        assert!(
            near > 0.1 && near < away,
            "one bucket over {near}, all at the top {away}"
        );
        assert!(away.is_finite());
    }

    #[test]
    fn the_tally_counts_risk_and_heads_per_day_and_skips_what_is_out_of_range() {
        let mut t = ScoreTally::default();
        let heads = BTreeMap::from([("scam".to_string(), 0.95), ("odd".to_string(), f64::NAN)]);
        t.add("m", at(1), 0.0, &heads);
        t.add("m", at(1), 1.0, &BTreeMap::new());
        t.add("m", at(2), 0.55, &BTreeMap::new());
        t.add("m", at(2), 1.5, &BTreeMap::new());
        let days = t.finish();
        let find = |head: &str, d: u32| days.iter().find(|x| x.head == head && x.day == day(d));
        let risk1 = find("risk", 1).map(|d| d.counts);
        assert_eq!(
            risk1,
            Some([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            "0 in the first bucket, 1 in the last"
        );
        assert_eq!(find("scam", 1).map(|d| d.counts[9]), Some(1));
        assert_eq!(find("odd", 1), None);
        assert_eq!(
            find("risk", 2).map(|d| (d.listings(), d.sum)),
            Some((1, 0.55))
        );
    }

    #[test]
    fn drift_compares_recent_days_with_the_window_before_them() {
        let mut t = ScoreTally::default();
        for d in 1..=20 {
            for i in 0..100 {
                // Reference days: scores spread evenly; the last day: everything high.
                let p = if d == 20 {
                    0.9 + (i % 10) as f64 / 100.0
                } else {
                    (i % 10) as f64 / 10.0 + 0.05
                };
                t.add("m", at(d), p, &BTreeMap::new());
            }
        }
        t.add("thin", at(20), 0.5, &BTreeMap::new());
        let q = DriftQuery {
            today: day(20),
            days: 2,
            reference_days: 7,
            min_listings: 50,
        };
        assert_eq!((q.first_day(), q.since()), (day(19), day(12)));
        let rows = drift(&t.finish(), &q);
        let m: Vec<_> = rows.iter().filter(|r| r.marketplace == "m").collect();
        assert_eq!(
            m.iter().map(|r| r.day).collect::<Vec<_>>(),
            vec![day(19), day(20)]
        );
        assert_eq!(m[0].reference_listings, 700, "the 7 days before the 19th");
        assert!(m[0].psi.is_some_and(|p| p < 0.01), "{:?}", m[0].psi);
        assert!(m[1].psi.is_some_and(|p| p > 1.0), "{:?}", m[1].psi);
        assert!((m[1].mean - 0.945).abs() < 1e-9 && (m[1].reference_mean - 0.5).abs() < 1e-9);
        let thin = rows.iter().find(|r| r.marketplace == "thin");
        assert_eq!(
            thin.map(|r| (r.listings, r.psi)),
            Some((1, None)),
            "too few for a PSI"
        );
    }
}
