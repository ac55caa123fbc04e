//! The embedded link state's own cases (the shared ones are in `soi_store::conformance`).

use super::*;

/// A store on a fresh file, and the folder that holds it.
pub(crate) fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    (dir, s)
}

fn side(market: &str, seller: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new(market, seller),
        listing_id: format!("{seller}-1"),
        field: "title".into(),
        start: 0,
        end: 3,
        quote: "abc".into(),
    }
}

pub(crate) fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000 + secs, 0).unwrap()
}

#[tokio::test]
async fn long_lists_are_chunked_and_a_link_between_chunks_comes_once() {
    let (_dir, s) = store();
    let n = 3 * CHUNK + 7;
    let holders = (0..n)
        .map(|i| KeyHolder {
            kind: "phone".into(),
            value: format!("{i:06}"),
            side: side("shopee", &format!("s{i}")),
            seen_at: at(i as i64),
        })
        .collect();
    // Every seller linked to the next: sellers sorted apart land in different chunks.
    let links: Vec<LinkRow> = (0..n - 1)
        .map(|i| LinkRow {
            kind: "phone".into(),
            value: format!("{i:06}"),
            a: side("shopee", &format!("s{i}")),
            b: side("shopee", &format!("s{}", i + 1)),
            found_at: at((n - i) as i64),
        })
        .collect();
    let batch = LinkBatch {
        holders,
        signatures: vec![],
        links: links.clone(),
    };
    assert_eq!(s.put_link_batch(&batch).await.unwrap(), n - 1);
    assert_eq!(s.put_link_batch(&batch).await.unwrap(), 0);
    let mut keys: Vec<(String, String)> = (0..n)
        .map(|i| ("phone".to_string(), format!("{i:06}")))
        .collect();
    keys.push(keys[0].clone());
    keys.push(("phone".into(), "nobody".into()));
    assert_eq!(s.key_holders(&keys).await.unwrap().len(), n);
    let sellers: Vec<SellerRef> = (0..n)
        .map(|i| SellerRef::new("shopee", &format!("s{i}")))
        .collect();
    let touching = s.links_touching(&sellers).await.unwrap();
    let mut oldest_first = links;
    oldest_first.reverse();
    assert_eq!(touching, oldest_first);
    assert_eq!(s.link_pairs().await.unwrap().len(), n - 1);
}

#[tokio::test]
async fn a_corrupt_row_is_named_and_a_time_out_of_form_is_refused() {
    let (dir, s) = store();
    let far = LinkBatch {
        holders: vec![KeyHolder {
            kind: "phone".into(),
            value: "1".into(),
            side: side("shopee", "a"),
            seen_at: DateTime::from_timestamp(400_000_000_000, 0).unwrap(),
        }],
        ..LinkBatch::default()
    };
    let e = s.put_link_batch(&far).await.unwrap_err();
    assert!(e.is_content(), "{e:?}");
    let ok = LinkBatch {
        holders: vec![KeyHolder {
            seen_at: at(0),
            ..far.holders[0].clone()
        }],
        signatures: vec![signature("a-1")],
        links: vec![LinkRow {
            kind: "phone".into(),
            value: "1".into(),
            a: side("shopee", "a"),
            b: side("tiki", "b"),
            found_at: at(1),
        }],
    };
    assert_eq!(s.put_link_batch(&ok).await.unwrap(), 1);
    let c = Connection::open(dir.path().join("soi.db")).unwrap();
    c.execute_batch(
        "UPDATE link_keys SET char_start = -1;
         UPDATE link_signatures SET signature = x'010203';
         UPDATE seller_links SET found_at = 'yesterday';",
    )
    .unwrap();
    let keys = vec![("phone".to_string(), "1".to_string())];
    let e = s.key_holders(&keys).await.unwrap_err();
    assert_eq!(corrupt_table(&e), Some("link_keys"), "{e:?}");
    let listing = vec![("shopee".to_string(), "a-1".to_string())];
    let e = s.signatures(&listing).await.unwrap_err();
    assert_eq!(corrupt_table(&e), Some("link_signatures"), "{e:?}");
    let tiki = [SellerRef::new("tiki", "b")];
    let e = s.links_touching(&tiki).await.unwrap_err();
    assert_eq!(corrupt_table(&e), Some("seller_links"), "{e:?}");
}

fn signature(listing: &str) -> ListingSignature {
    ListingSignature {
        marketplace: "shopee".into(),
        listing_id: listing.into(),
        signature: vec![1, 2, 3, u16::MAX],
        field: "description".into(),
        start: 4,
        end: 12,
        quote: "Giày thể".into(),
    }
}

#[tokio::test]
async fn a_signature_keeps_its_quote_and_its_offsets_are_checked() {
    let (dir, s) = store();
    let too_far = LinkBatch {
        signatures: vec![ListingSignature {
            end: usize::MAX,
            ..signature("a-1")
        }],
        ..LinkBatch::default()
    };
    let e = s.put_link_batch(&too_far).await.unwrap_err();
    assert!(e.is_content(), "{e:?}");
    let listing = vec![("shopee".to_string(), "a-1".to_string())];
    assert_eq!(s.signatures(&listing).await.unwrap(), vec![]);
    let batch = LinkBatch {
        signatures: vec![signature("a-1")],
        ..LinkBatch::default()
    };
    s.put_link_batch(&batch).await.unwrap();
    // The first signature of a listing stays.
    let later = LinkBatch {
        signatures: vec![ListingSignature {
            quote: "other".into(),
            ..signature("a-1")
        }],
        ..LinkBatch::default()
    };
    s.put_link_batch(&later).await.unwrap();
    assert_eq!(s.signatures(&listing).await.unwrap(), batch.signatures);
    let c = Connection::open(dir.path().join("soi.db")).unwrap();
    c.execute_batch("UPDATE link_signatures SET char_end = -1;")
        .unwrap();
    let e = s.signatures(&listing).await.unwrap_err();
    assert_eq!(corrupt_table(&e), Some("link_signatures"), "{e:?}");
}

/// The table a [`StoreError::Corrupt`] names.
pub(crate) fn corrupt_table(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Corrupt { table, .. } => Some(table),
        _ => None,
    }
}
