//! Generic extraction (JSON-LD variants, microdata, OpenGraph) and CSS rules on small pages
//! written for these tests.

use soi_crawl::extract::{extract_page, role, PageRole};
use soi_crawl::{Compiled, MarketplaceConfig};
use url::Url;

fn compiled(extra: &str) -> Compiled {
    let text = format!(
        "id = \"m\"\ncountry = \"VN\"\ncurrency = \"VND\"\nseeds = [\"https://shop.vn/\"]\n{extra}"
    );
    Compiled::new(MarketplaceConfig::parse(&text, std::path::Path::new("m.toml")).unwrap()).unwrap()
}

const ALL: PageRole = PageRole {
    listing: true,
    seller: true,
};

#[test]
fn json_ld_graph_item_list_and_aggregate_offer() {
    let html = r#"<html><head><script type="application/ld+json">
    {"@context":"https://schema.org","@graph":[
      {"@type":"WebSite","name":"Shop"},
      {"@type":"ItemList","itemListElement":[
        {"@type":"ListItem","position":1,"item":{"@type":"Product","name":"Kem trộn trắng da",
          "url":"/p/kem-1.html","offers":{"@type":"AggregateOffer","lowPrice":"99.000₫","highPrice":"199.000₫"}}},
        {"@type":"ListItem","position":2,"item":{"@type":["Product"],"name":"Serum","productID":"s-2",
          "offers":[{"@type":"Offer","price":"1tr2"}],
          "review":{"@type":"Review","reviewBody":"hàng fake","reviewRating":{"ratingValue":"1"}}}}
      ]}
    ]}</script></head></html>"#;
    let c = compiled("");
    let url = Url::parse("https://shop.vn/search?q=kem").unwrap();
    let out = extract_page(&c, &url, html, ALL);
    assert_eq!(out.listings.len(), 2, "{:?}", out.problems);
    let a = &out.listings[0];
    assert_eq!(a.id, "kem-1");
    assert_eq!(a.url.as_deref(), Some("https://shop.vn/p/kem-1.html"));
    assert_eq!(
        (a.price, a.currency.as_deref()),
        (Some(99_000.0), Some("VND"))
    );
    let b = &out.listings[1];
    assert_eq!((b.id.as_str(), b.price), ("s-2", Some(1_200_000.0)));
    assert_eq!(b.reviews[0].rating, Some(1.0));
}

#[test]
fn microdata_product_and_seller() {
    let html = r#"<html><body>
    <div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">Nồi chiên không dầu</h1>
      <meta itemprop="sku" content="NC-9">
      <img itemprop="image" src="/a.jpg"><img itemprop="image" src="/b.jpg">
      <p itemprop="description">Bảo hành 12 tháng</p>
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <span itemprop="price" content="1290000">1.290.000đ</span>
        <meta itemprop="priceCurrency" content="VND">
        <div itemprop="seller" itemscope itemtype="https://schema.org/Organization">
          <span itemprop="name">Shop Quảng Châu</span>
          <a itemprop="url" href="/shop/gz88">shop</a>
        </div>
      </div>
    </div></body></html>"#;
    let c = compiled("");
    let url = Url::parse("https://shop.vn/p/nc-9").unwrap();
    let out = extract_page(&c, &url, html, ALL);
    assert_eq!(out.listings.len(), 1, "{:?}", out.problems);
    let l = &out.listings[0];
    assert_eq!(l.id, "NC-9");
    assert_eq!(l.title, "Nồi chiên không dầu");
    assert_eq!(l.price, Some(1_290_000.0));
    assert_eq!(l.images_count, Some(2));
    let s = l.seller.as_ref().unwrap();
    assert_eq!(
        (s.id.as_str(), s.name.as_deref()),
        ("gz88", Some("Shop Quảng Châu"))
    );
}

#[test]
fn opengraph_when_nothing_else() {
    let html = r#"<html><head>
      <meta property="og:type" content="product">
      <meta property="og:title" content="Vé concert giá rẻ">
      <meta property="og:url" content="https://shop.vn/p/ve-123">
      <meta property="og:image" content="https://shop.vn/i.jpg">
      <meta property="product:price:amount" content="500000">
      <meta property="product:price:currency" content="VND">
    </head></html>"#;
    let c = compiled("");
    let url = Url::parse("https://shop.vn/p/ve-123").unwrap();
    let out = extract_page(&c, &url, html, ALL);
    let l = &out.listings[0];
    assert_eq!((l.id.as_str(), l.price), ("ve-123", Some(500_000.0)));
    // A plain article is not a listing.
    let out = extract_page(
        &c,
        &url,
        r#"<meta property="og:title" content="Tin tức"><meta property="og:type" content="article">"#,
        ALL,
    );
    assert!(out.listings.is_empty());
}

#[test]
fn css_rules_with_fallbacks_attributes_and_regex() {
    let c = compiled(
        r#"
[links]
listing = ['^/item/']
seller = ['^/shop/']
[extract]
generic = false
[extract.listing.fields]
title = { selectors = ["h1.missing", "h1.title"] }
price = { selectors = [".price"], regex = 'Giá:\s*(.+)' }
id = { selectors = ["link[rel=canonical] @href"], regex = '/item/(\d+)' }
images = { selectors = [".gallery img"], count = true }
seller_url = "a.shop @href"
seller_name = "a.shop"
[extract.seller.fields]
name = "h1"
country = { selectors = [".loc"], regex = 'Gửi từ (.+)' }
followers = ".followers"
official = { selectors = [".badge @data-official"] }
"#,
    );
    let html = r#"<html><head><link rel="canonical" href="https://shop.vn/item/42?ref=x"></head><body>
      <h1 class="title">  Túi   xách </h1><span class="price">Giá: 350k</span>
      <div class="gallery"><img><img><img></div><a class="shop" href="/shop/abc">ABC Store</a>
    </body></html>"#;
    let url = Url::parse("https://shop.vn/item/42").unwrap();
    let out = extract_page(&c, &url, html, role(&c, &url));
    let l = &out.listings[0];
    assert_eq!((l.id.as_str(), l.title.as_str()), ("42", "Túi xách"));
    assert_eq!(l.price, Some(350_000.0));
    assert_eq!(l.images_count, Some(3));
    assert_eq!(l.seller.as_ref().unwrap().id, "abc");
    let shop = r#"<h1>ABC Store</h1><div class="loc">Gửi từ China</div>
       <span class="followers">12,345</span><i class="badge" data-official="true"></i>"#;
    let surl = Url::parse("https://shop.vn/shop/abc").unwrap();
    let out = extract_page(&c, &surl, shop, role(&c, &surl));
    let s = &out.sellers[0];
    assert_eq!(s.id, "abc");
    assert_eq!(s.country.as_deref(), Some("CN"));
    assert!(s.cross_border && s.official);
    assert_eq!(s.followers, Some(12_345));
}

#[test]
fn the_crawl_future_is_send() {
    fn is_send<T: Send>(_: &T) {}
    let cfg = compiled("").config;
    let opts = soi_crawl::CrawlOptions::new("unused");
    let ev = soi_crawl::EvidenceStore::open(tempfile::tempdir().unwrap().path()).unwrap();
    let bus = soi_bus::InProcBus::new(4);
    let fut = soi_crawl::crawl(&cfg, &opts, &bus, &ev, &|_| {});
    is_send(&fut);
}
