//! Pages in legacy encodings (Big5 from Taiwanese shops) are read in their declared charset.

mod common;

use common::{index_page, not_found, run, site};
use hyper::StatusCode;
use soi_crawl::serve::reply;

#[tokio::test]
async fn a_big5_listing_page_keeps_its_title() {
    let page = common::product_page("tw-1", "藍牙耳機 無線", "NT$1,200").replace("VND", "TWD");
    let (big5, _, _) = encoding_rs::BIG5.encode(&page);
    let big5 = big5.into_owned();
    let (srv, _) = site(move |p, _| match p {
        "/robots.txt" => not_found(),
        "/index.html" => common::html(&index_page(&["/listings/tw-1.html"])),
        _ => reply(StatusCode::OK, "text/html; charset=big5", big5.clone()),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&common::config(""), &srv.base_url(), state.path()).await;
    let l = bus.listings();
    assert_eq!(l.len(), 1, "{report:#?}");
    assert_eq!(l[0].title, "藍牙耳機 無線");
    assert_eq!(
        (l[0].price, l[0].currency.as_deref()),
        (Some(1200.0), Some("TWD"))
    );
}
