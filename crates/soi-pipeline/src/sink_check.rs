//! What the sink checks before it stores a message.
//!
//! Why: the sink trusts nothing it reads from the bus. Anyone who can publish to the verdicts
//! topic could otherwise plant verdicts that raise police alerts, attribute listings to a seller
//! of another marketplace, or write rows too large to read back. So every message is held to what
//! the score stage itself produces: a valid listing whose seller belongs to the listing's
//! marketplace, a verdict about that very listing with probabilities in [0, 1], reasons whose
//! spans lie inside the field they name and quote its text, well-formed codes, bounded sizes.
//! A message that fails goes to the dead-letter topic with the reason.

use soi_model::{char_len, char_slice, Listing, Reason, Scored, Seller, Verdict};

/// Most reasons on one verdict.
pub const MAX_REASONS: usize = 64;
/// Most head probabilities on one verdict.
pub const MAX_HEADS: usize = 32;
/// Longest reason code or head name (bytes).
pub const MAX_CODE: usize = 64;
/// Longest identifier, model name or short text (bytes).
pub const MAX_ID: usize = 256;
/// Longest message or evidence text (bytes).
pub const MAX_TEXT: usize = 4096;

/// Checks a scored listing; fills what the score stage would have (an embedded seller without a
/// marketplace inherits the listing's).
pub fn check_scored(s: Scored) -> Result<Scored, String> {
    let listing = s.listing.prepare().map_err(|e| format!("listing: {e}"))?;
    sized("listing id", &listing.id, MAX_ID)?;
    sized("listing marketplace", &listing.marketplace, MAX_ID)?;
    if let Some(seller) = &listing.seller {
        if seller.marketplace != listing.marketplace {
            return Err(format!(
                "listing {} names seller `{}` of marketplace `{}`",
                listing.key(),
                seller.id,
                seller.marketplace
            ));
        }
        check_seller_fields(seller)?;
    }
    check_verdict(&listing, &s.verdict).map_err(|e| format!("verdict: {e}"))?;
    Ok(Scored {
        listing,
        verdict: s.verdict,
    })
}

/// Checks seller facts from the sellers topic.
pub fn check_seller(s: Seller) -> Result<Seller, String> {
    if s.marketplace.trim().is_empty() {
        return Err("missing required field `marketplace`".into());
    }
    let s = s.prepare().map_err(|e| format!("seller: {e}"))?;
    check_seller_fields(&s)?;
    Ok(s)
}

fn check_seller_fields(s: &Seller) -> Result<(), String> {
    if s.id.trim().is_empty() {
        return Err("seller: missing required field `id`".into());
    }
    sized("seller id", &s.id, MAX_ID)?;
    sized("seller marketplace", &s.marketplace, MAX_ID)?;
    for (what, v) in [
        ("seller name", &s.name),
        ("seller country", &s.country),
        ("seller ship_from", &s.ship_from),
    ] {
        if let Some(v) = v {
            sized(what, v, MAX_ID)?;
        }
    }
    if let Some(r) = s.rating {
        if !(r.is_finite() && (0.0..=5.0).contains(&r)) {
            return Err(format!("seller rating {r} lies outside 0..5"));
        }
    }
    Ok(())
}

fn check_verdict(l: &Listing, v: &Verdict) -> Result<(), String> {
    if v.listing_id != l.id {
        return Err(format!(
            "it is about listing `{}`, the message carries listing `{}`",
            v.listing_id, l.id
        ));
    }
    if !v.marketplace.is_empty() && v.marketplace != l.marketplace {
        return Err(format!(
            "it is about marketplace `{}`, the listing is on `{}`",
            v.marketplace, l.marketplace
        ));
    }
    if v.seller_id.as_deref() != l.seller_id() {
        return Err(format!(
            "it names seller {:?}, the listing's seller is {:?}",
            v.seller_id,
            l.seller_id()
        ));
    }
    unit("risk", v.risk)?;
    if v.heads.len() > MAX_HEADS {
        return Err(format!("{} heads (at most {MAX_HEADS})", v.heads.len()));
    }
    for (name, p) in &v.heads {
        code("head name", name)?;
        unit(&format!("heads.{name}"), *p)?;
    }
    sized("model", &v.model, MAX_ID)?;
    if v.reasons.len() > MAX_REASONS {
        return Err(format!(
            "{} reasons (at most {MAX_REASONS})",
            v.reasons.len()
        ));
    }
    for (i, r) in v.reasons.iter().enumerate() {
        check_reason(l, r).map_err(|e| format!("reasons[{i}]: {e}"))?;
    }
    Ok(())
}

fn check_reason(l: &Listing, r: &Reason) -> Result<(), String> {
    code("code", &r.code)?;
    sized("message", &r.message, MAX_TEXT)?;
    sized("message_vi", &r.message_vi, MAX_TEXT)?;
    sized("evidence", &r.evidence, MAX_TEXT)?;
    sized("source", &r.source, MAX_ID)?;
    if !r.contribution.is_finite() {
        return Err(format!("contribution {} is not finite", r.contribution));
    }
    let text = l
        .field_text(&r.field)
        .ok_or_else(|| format!("field `{}` is not a text of the listing", r.field))?;
    let n = char_len(text);
    if r.start > r.end || r.end > n {
        return Err(format!(
            "span {}..{} lies outside field `{}` ({n} characters)",
            r.start, r.end, r.field
        ));
    }
    // An empty span marks a reason about the listing as a whole; its evidence states facts.
    if r.start < r.end && r.evidence != char_slice(text, r.start, r.end) {
        return Err(format!(
            "evidence does not quote field `{}` at {}..{}",
            r.field, r.start, r.end
        ));
    }
    Ok(())
}

/// A probability: finite, in [0, 1].
fn unit(what: &str, p: f64) -> Result<(), String> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(format!("{what} {p} lies outside 0..1"))
    }
}

/// A machine name: lower-case ASCII letters, digits and `_`, starting with a letter.
fn code(what: &str, s: &str) -> Result<(), String> {
    let ok = s.len() <= MAX_CODE
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} `{}` is not a lower-case snake_case name of at most {MAX_CODE} bytes",
            s.chars().take(80).collect::<String>()
        ))
    }
}

fn sized(what: &str, s: &str, max: usize) -> Result<(), String> {
    if s.len() <= max {
        Ok(())
    } else {
        Err(format!("{what} is {} bytes (at most {max})", s.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_units() {
        assert!(code("c", "off_platform_contact").is_ok());
        for bad in ["", "Off", "a-b", "1a", "drop table"] {
            assert!(code("c", bad).is_err(), "{bad}");
        }
        assert!(unit("r", 1.0).is_ok());
        assert!(unit("r", f64::NAN).is_err());
        assert!(unit("r", -0.1).is_err());
    }
}
