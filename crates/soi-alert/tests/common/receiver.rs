//! A webhook receiver on 127.0.0.1, started by the test: records every request, answers 500 to the
//! first `fail_first` requests of each idempotency key, and otherwise 200 (accepting a key once).
//! A redirecting receiver answers every request with 307 to another address instead.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub key: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
    pub status: u16,
}

#[derive(Default)]
pub struct Log {
    pub requests: Vec<Received>,
    /// Keys accepted (answered 200 the first time), in order.
    pub accepted: Vec<String>,
    tries: BTreeMap<String, usize>,
}

pub struct Receiver {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Log>>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

impl Receiver {
    pub async fn start(addr: SocketAddr, fail_first: usize) -> Receiver {
        Self::serve(addr, fail_first, None).await
    }

    /// Answers every request with `307 Temporary Redirect` to `location`.
    #[allow(dead_code)]
    pub async fn redirecting(location: String) -> Receiver {
        Self::serve("127.0.0.1:0".parse().unwrap(), 0, Some(location)).await
    }

    async fn serve(addr: SocketAddr, fail_first: usize, redirect: Option<String>) -> Receiver {
        let listener = TcpListener::bind(addr).await.expect("bind receiver");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Log::default()));
        let (tx, mut rx) = oneshot::channel::<()>();
        let l2 = log.clone();
        tokio::spawn(async move {
            loop {
                let (stream, _) = tokio::select! {
                    _ = &mut rx => break,
                    a = listener.accept() => match a { Ok(s) => s, Err(_) => continue },
                };
                let log = l2.clone();
                let redirect = redirect.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let log = log.clone();
                        let redirect = redirect.clone();
                        async move { Ok::<_, Infallible>(handle(req, &log, fail_first, redirect).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Receiver {
            addr,
            log,
            stop: Some(tx),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/alerts", self.addr)
    }

    pub fn accepted(&self) -> Vec<String> {
        self.log.lock().unwrap().accepted.clone()
    }

    pub fn requests(&self) -> Vec<Received> {
        self.log.lock().unwrap().requests.clone()
    }
}

async fn handle(
    req: Request<Incoming>,
    log: &Mutex<Log>,
    fail_first: usize,
    redirect: Option<String>,
) -> Response<Full<Bytes>> {
    let h = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (key, timestamp, signature) = (
        h("idempotency-key"),
        h("x-soi-timestamp"),
        h("x-soi-signature"),
    );
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let mut log = log.lock().unwrap();
    let tries = {
        let t = log.tries.entry(key.clone()).or_default();
        *t += 1;
        *t
    };
    if let Some(location) = redirect {
        log.requests.push(Received {
            key,
            timestamp,
            signature,
            body,
            status: 307,
        });
        return Response::builder()
            .status(StatusCode::TEMPORARY_REDIRECT)
            .header("location", location)
            .body(Full::new(Bytes::new()))
            .unwrap();
    }
    let status = if tries <= fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        if !log.accepted.contains(&key) {
            log.accepted.push(key.clone());
        }
        StatusCode::OK
    };
    log.requests.push(Received {
        key,
        timestamp,
        signature,
        body,
        status: status.as_u16(),
    });
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::from_static(b"{}")))
        .unwrap()
}
