//! The rows of the link tables as they travel to and from ClickHouse (RowBinary: field order =
//! column order of the queries that read them), and their conversions from and to the
//! [`soi_store::links`] types, offsets and times checked on the way back.

use clickhouse::Row;
use serde::{Deserialize, Serialize};
use soi_store::links::{KeyHolder, LinkRow, LinkSide, ListingSignature, SellerRef};
use soi_store::StoreError;

use super::{keep_earliest, offset, time};

#[derive(Debug, Row, Serialize, Deserialize)]
pub(super) struct HolderRow {
    kind: String,
    value: String,
    marketplace: String,
    seller_id: String,
    listing_id: String,
    field: String,
    quote_start: u64,
    quote_end: u64,
    quote: String,
    seen_at: i64,
    keep: u64,
}

#[derive(Debug, Row, Serialize, Deserialize)]
pub(super) struct SignatureRow {
    marketplace: String,
    listing_id: String,
    signature: Vec<u16>,
    field: String,
    quote_start: u64,
    quote_end: u64,
    quote: String,
    keep: u64,
}

#[derive(Debug, Row, Serialize, Deserialize)]
pub(super) struct SellerLinkRow {
    kind: String,
    value: String,
    a_marketplace: String,
    a_seller: String,
    a_listing: String,
    a_field: String,
    a_start: u64,
    a_end: u64,
    a_quote: String,
    b_marketplace: String,
    b_seller: String,
    b_listing: String,
    b_field: String,
    b_start: u64,
    b_end: u64,
    b_quote: String,
    found_at: i64,
    keep: u64,
}

/// The seven columns of a [`LinkSide`] as the rows hold them: marketplace, seller, listing,
/// field, start, end, quote.
type SideCols = (String, String, String, String, u64, u64, String);

/// The columns of `s`.
pub(super) fn side_cols(s: &LinkSide) -> SideCols {
    (
        s.seller.marketplace.clone(),
        s.seller.seller_id.clone(),
        s.listing_id.clone(),
        s.field.clone(),
        s.start as u64,
        s.end as u64,
        s.quote.clone(),
    )
}

/// The side stored in `cols` (of the row `key` of `table`), its offsets checked.
pub(super) fn side(table: &'static str, key: &str, cols: SideCols) -> Result<LinkSide, StoreError> {
    let (marketplace, seller_id, listing_id, field, start, end, quote) = cols;
    Ok(LinkSide {
        seller: SellerRef {
            marketplace,
            seller_id,
        },
        listing_id,
        field,
        start: offset(table, key, start)?,
        end: offset(table, key, end)?,
        quote,
    })
}

pub(super) fn holder_row(h: &KeyHolder) -> HolderRow {
    let micros = h.seen_at.timestamp_micros();
    let (marketplace, seller_id, listing_id, field, quote_start, quote_end, quote) =
        side_cols(&h.side);
    HolderRow {
        kind: h.kind.clone(),
        value: h.value.clone(),
        marketplace,
        seller_id,
        listing_id,
        field,
        quote_start,
        quote_end,
        quote,
        seen_at: micros,
        keep: keep_earliest(micros),
    }
}

pub(super) fn holder(r: HolderRow) -> Result<KeyHolder, StoreError> {
    const T: &str = "link_keys";
    let key = format!("{} {}", r.kind, r.value);
    let cols = (
        r.marketplace,
        r.seller_id,
        r.listing_id,
        r.field,
        r.quote_start,
        r.quote_end,
        r.quote,
    );
    Ok(KeyHolder {
        seen_at: time(T, &key, r.seen_at)?,
        side: side(T, &key, cols)?,
        kind: r.kind,
        value: r.value,
    })
}

pub(super) fn link_row(l: &LinkRow) -> SellerLinkRow {
    let micros = l.found_at.timestamp_micros();
    let (a_marketplace, a_seller, a_listing, a_field, a_start, a_end, a_quote) = side_cols(&l.a);
    let (b_marketplace, b_seller, b_listing, b_field, b_start, b_end, b_quote) = side_cols(&l.b);
    SellerLinkRow {
        kind: l.kind.clone(),
        value: l.value.clone(),
        a_marketplace,
        a_seller,
        a_listing,
        a_field,
        a_start,
        a_end,
        a_quote,
        b_marketplace,
        b_seller,
        b_listing,
        b_field,
        b_start,
        b_end,
        b_quote,
        found_at: micros,
        keep: keep_earliest(micros),
    }
}

pub(super) fn link(r: SellerLinkRow) -> Result<LinkRow, StoreError> {
    const T: &str = "seller_links";
    let key = format!(
        "{} {} {}/{} {}/{}",
        r.kind, r.value, r.a_marketplace, r.a_seller, r.b_marketplace, r.b_seller
    );
    let a = (
        r.a_marketplace,
        r.a_seller,
        r.a_listing,
        r.a_field,
        r.a_start,
        r.a_end,
        r.a_quote,
    );
    let b = (
        r.b_marketplace,
        r.b_seller,
        r.b_listing,
        r.b_field,
        r.b_start,
        r.b_end,
        r.b_quote,
    );
    Ok(LinkRow {
        found_at: time(T, &key, r.found_at)?,
        a: side(T, &key, a)?,
        b: side(T, &key, b)?,
        kind: r.kind,
        value: r.value,
    })
}

pub(super) fn signature_row(s: &ListingSignature, keep: u64) -> SignatureRow {
    SignatureRow {
        marketplace: s.marketplace.clone(),
        listing_id: s.listing_id.clone(),
        signature: s.signature.clone(),
        field: s.field.clone(),
        quote_start: s.start as u64,
        quote_end: s.end as u64,
        quote: s.quote.clone(),
        keep,
    }
}

pub(super) fn signature(r: SignatureRow) -> Result<ListingSignature, StoreError> {
    const T: &str = "link_signatures";
    let key = format!("{}/{}", r.marketplace, r.listing_id);
    Ok(ListingSignature {
        start: offset(T, &key, r.quote_start)?,
        end: offset(T, &key, r.quote_end)?,
        marketplace: r.marketplace,
        listing_id: r.listing_id,
        signature: r.signature,
        field: r.field,
        quote: r.quote,
    })
}
