//! The bounded, batching queue in front of the real encoder: answers equal direct embedding, in
//! the caller's order, whatever the mix of requests; a request that would exceed the token limit
//! while work is in flight is refused with Overloaded at once, and the queue serves again after.

mod common;

use std::sync::Arc;

use common::{checkpoint, cosine};
use soi_encoder::queue::EncoderQueue;
use soi_encoder::{Encoder, EncoderError};

fn texts(n: usize, words: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("listing {i} ") + &"hàng chính hãng giá rẻ liên hệ zalo ".repeat(words))
        .collect()
}

#[test]
fn queued_requests_match_direct_embedding() {
    let Some(dir) = checkpoint() else { return };
    let enc = Arc::new(Encoder::load(&dir, 2).expect("load").with_batch_tokens(300));
    let q = EncoderQueue::start(enc.clone(), 1_000_000);
    let a = texts(5, 1);
    let b = texts(3, 12);
    let ra: Vec<&str> = a.iter().map(String::as_str).collect();
    let rb: Vec<&str> = b.iter().map(String::as_str).collect();
    // Two requests in flight together are batched together and still answered in order.
    let (ta, tb) = (q.submit(&ra).expect("a"), q.submit(&rb).expect("b"));
    let (va, vb) = (ta.wait().expect("a"), tb.wait().expect("b"));
    for (got, want) in va
        .iter()
        .zip(enc.embed(&ra).unwrap())
        .chain(vb.iter().zip(enc.embed(&rb).unwrap()))
    {
        assert!(cosine(got, &want) > 0.99999);
    }
    assert_eq!(q.in_flight(), 0, "every token answered");
}

#[test]
fn a_full_queue_answers_overloaded_and_recovers() {
    let Some(dir) = checkpoint() else { return };
    let enc = Arc::new(Encoder::load(&dir, 1).expect("load"));
    let big = texts(48, 60); // 48 texts at the 256-token limit: seconds of work
    let rbig: Vec<&str> = big.iter().map(String::as_str).collect();
    let tokens: usize = enc
        .tokenize(&rbig)
        .unwrap()
        .iter()
        .map(|t| t.ids.len())
        .sum();
    let q = EncoderQueue::start(enc, tokens + 50);
    let ticket = q.submit(&rbig).expect("the first request fits");
    let refused = q.submit(&rbig[..1]);
    match refused {
        // `queued` is what was in flight when it was refused: the whole first request, so the
        // refusal came at once rather than after waiting for room (no clock needed).
        Err(EncoderError::Overloaded { queued, limit }) => {
            assert_eq!(queued, tokens);
            assert_eq!(limit, tokens + 50);
        }
        other => panic!("expected Overloaded, got {:?}", other.map(|_| ())),
    }
    assert_eq!(ticket.wait().expect("big").len(), 48);
    assert_eq!(q.in_flight(), 0);
    assert_eq!(q.embed(&rbig[..1]).expect("served again").len(), 1);
}
