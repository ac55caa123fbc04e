//! The scorer with the shipped model (models/soi-fast-v1 through the shipped scoring config):
//! any listing gets a verdict whose risk is finite in [0, 1] and whose reasons quote exactly
//! the text their spans point at.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soi_model::{Listing, Review, Seller};
use soi_score::Scorer;

fn scorer() -> &'static dyn Scorer {
    static S: OnceLock<Box<dyn Scorer>> = OnceLock::new();
    S.get_or_init(|| soi_score::load_default(None).expect("the shipped scorer loads"))
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    // title \0 description \0 url \0 seller name \0 price \0 review \0 review...
    let p = soi_fuzz::parts(data, 8);
    let mut l = Listing {
        id: "1".into(),
        marketplace: "fuzz".into(),
        title: p[0].clone(),
        description: Some(p[1].clone()).filter(|s| !s.is_empty()),
        url: Some(p[2].clone()).filter(|s| !s.is_empty()),
        price: p[4].trim().parse::<f64>().ok(),
        currency: Some("VND".into()),
        reviews: p[5..]
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| Review {
                text: t.clone(),
                rating: None,
            })
            .collect(),
        ..Default::default()
    };
    if !p[3].is_empty() {
        let mut s = Seller::new("fuzz", "s1");
        s.name = Some(p[3].clone());
        l.seller = Some(s);
    }
    let Ok(l) = l.prepare() else {
        return;
    };
    let verdicts = scorer().score(std::slice::from_ref(&l));
    assert_eq!(verdicts.len(), 1, "one verdict per listing");
    soi_fuzz::assert_verdict(&l, &verdicts[0]);
});
