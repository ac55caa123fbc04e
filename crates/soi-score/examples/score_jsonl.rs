//! Scores JSON Lines listings from stdin with the default scorer and prints one line per verdict:
//! `risk id codes`. A quick look at the scorer without the `soi` binary.

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scorer = soi_score::load_default(None)?;
    let mut listings = Vec::new();
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match soi_model::Listing::from_json(&line) {
            Ok(l) => listings.push(l),
            Err(e) => eprintln!("line {}: {e}", n + 1),
        }
    }
    for v in scorer.score(&listings) {
        let reasons: Vec<String> = v
            .reasons
            .iter()
            .map(|r| {
                format!(
                    "{}[{}:{}..{} {:?}]",
                    r.code, r.field, r.start, r.end, r.evidence
                )
            })
            .collect();
        println!(
            "{:.3} {} {:?} {}",
            v.risk,
            v.listing_id,
            v.heads,
            reasons.join(" ")
        );
    }
    Ok(())
}
