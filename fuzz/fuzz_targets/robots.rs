//! robots.txt: any text parses, and any path gets an answer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_crawl::fetch::Robots;

fuzz_target!(|data: &[u8]| {
    let p = soi_fuzz::parts(data, 3);
    let r = Robots::parse(&p[0], "soi-crawler");
    let _ = r.allowed(&p[1]);
    let _ = r.allowed("/");
    let _ = Robots::parse(&p[0], &p[2]).allowed(&p[1]);
});
