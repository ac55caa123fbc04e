//! The WebDriver client against the real headless chromium: a loopback page with a form, typed
//! into and clicked; its script's title change, the typed text, a cookie, a frame and a PNG
//! screenshot all come back through [`crate::webdriver`].

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::json;

use crate::webdriver::{Cookie, Driver};

const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>before</title></head>
<body>
<form id="f" onsubmit="return false">
  <input id="name" name="name" value="x">
  <button id="go" type="button">Go</button>
</form>
<p id="out"></p>
<iframe id="frame" srcdoc="<p id='inner'>inside the frame</p>"></iframe>
<script>
document.getElementById('go').addEventListener('click', function () {
  var v = document.getElementById('name').value;
  document.getElementById('out').textContent = v;
  document.title = 'clicked: ' + v;
});
</script>
</body></html>"#;

/// Serves [`PAGE`] on every path from a thread; its base URL.
fn serve_page() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            // The request head (these requests have no body).
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
                PAGE.len()
            );
        }
    });
    format!("http://{addr}/")
}

#[test]
fn chromium_types_clicks_and_shoots_through_webdriver() {
    let Some(d) = Driver::start() else { return };
    let url = serve_page();
    d.goto(&url);
    assert_eq!(d.title(), "before");
    assert_eq!(d.current_url(), url);
    assert!(d.page_source().contains("id=\"go\""));

    let input = d.find("#name");
    assert_eq!(input.attr("name").as_deref(), Some("name"));
    assert_eq!(input.attr("nonexistent"), None);
    input.clear();
    input.send_keys("hello soi");
    d.find("form#f").find("#go").click();
    assert!(
        d.wait_until(Duration::from_secs(5), |d| d.title()
            == "clicked: hello soi"),
        "title after the click: {:?}",
        d.title()
    );
    assert_eq!(d.find("#out").text(), "hello soi");
    let v = d.execute(
        "return arguments[0].value + arguments[1];",
        vec![input.json(), json!("!")],
    );
    assert_eq!(v, json!("hello soi!"));
    assert!(d.try_find("#missing").is_none());
    assert_eq!(d.find_all("form *").len(), 2);

    d.add_cookie(&Cookie {
        name: "sid".into(),
        value: "abc".into(),
        http_only: true,
        same_site: Some("Strict".into()),
    });
    let sid = d.cookies().into_iter().find(|c| c.name == "sid");
    let sid = sid.expect("the cookie set");
    assert_eq!((sid.value.as_str(), sid.http_only), ("abc", true));
    assert_eq!(sid.same_site.as_deref(), Some("Strict"));

    d.switch_to_frame(&d.find("#frame"));
    assert_eq!(d.find("#inner").text(), "inside the frame");
    d.switch_to_parent_frame();
    assert!(d.try_find("#go").is_some());

    let png = d.screenshot_png();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG: {:?}",
        &png[..png.len().min(8)]
    );
    assert!(png.len() > 1000, "a {}-byte screenshot", png.len());
}
