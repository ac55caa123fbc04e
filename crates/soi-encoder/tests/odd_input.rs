//! Whatever text arrives (empty, control characters, scripts the vocabulary lacks, far past the
//! length limit, random bytes), the encoder answers with a finite unit vector and never panics.

use soi_encoder::paths::test_checkpoint as checkpoint;
use soi_encoder::Encoder;

/// Deterministic pseudo-random strings from arbitrary code points.
fn random_texts(n: usize) -> Vec<String> {
    let mut s = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    (0..n)
        .map(|_| {
            let len = (next() % 400) as usize;
            (0..len)
                .filter_map(|_| char::from_u32((next() % 0x3_0000) as u32))
                .collect()
        })
        .collect()
}

#[test]
fn any_text_gets_a_finite_unit_vector() {
    let Some(dir) = checkpoint() else { return };
    let enc = Encoder::load(&dir, 2).expect("load");
    let mut texts: Vec<String> = vec![
        String::new(),
        " \t\n".into(),
        "\u{0}\u{1}\u{7f}\u{200b}".into(),
        "🙂".repeat(2000),
        "ສະບາຍດີ ཀཁག ᚠᚢᚦ".into(),
        "x".repeat(100_000),
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0xc3, 0x28]).into_owned(),
    ];
    texts.extend(random_texts(60));
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let toks = enc.tokenize(&refs).expect("tokenize");
    assert!(
        toks.iter().all(|t| t.ids.len() >= 2 && t.ids.len() <= 256),
        "special tokens kept, length capped"
    );
    let vecs = enc.embed(&refs).expect("embed");
    assert_eq!(vecs.len(), texts.len());
    for (t, v) in texts.iter().zip(&vecs) {
        assert!(
            v.iter().all(|x| x.is_finite()),
            "non-finite vector for {:?}",
            t.chars().take(20).collect::<String>()
        );
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
}
