//! A small HTTP/1 server on loopback: serves a folder of static files (the bundled demo
//! marketplace for `soi run`) or answers from a handler function (the crawler's tests, which need
//! real sockets to measure rate limits, `Retry-After`, redirects and the like on the server side).
//!
//! It binds the address it is given (`127.0.0.1:0` picks a free port) and stops when its
//! [`ServerHandle`] is shut down or dropped, or when a caller's shutdown future completes.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What a handler answers.
pub type Reply = Response<Full<Bytes>>;

/// A request handler: gets the request head (bodies are not read; the crawler only sends GETs).
pub type Handler = Arc<dyn Fn(Request<()>) -> BoxFuture<'static, Reply> + Send + Sync>;

/// A running server. Dropping it stops the server too.
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The bound address (with the real port when `:0` was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` for this server.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves a folder of static files.
pub struct StaticServer;

impl StaticServer {
    /// Serves `root` on `addr` until the handle is shut down or dropped.
    pub async fn start(
        root: PathBuf,
        addr: SocketAddr,
    ) -> std::io::Result<(SocketAddr, ServerHandle)> {
        Self::start_until(root, addr, std::future::pending()).await
    }

    /// Serves `root` on `addr` until `shutdown` completes (or the handle is shut down).
    pub async fn start_until(
        root: PathBuf,
        addr: SocketAddr,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<(SocketAddr, ServerHandle)> {
        let root = Arc::new(root);
        let handler: Handler = Arc::new(move |req| {
            let root = root.clone();
            Box::pin(async move { serve_file(&root, &req).await })
        });
        let handle = start_with_until(addr, handler, shutdown).await?;
        Ok((handle.addr(), handle))
    }
}

/// Serves requests with `handler` on `addr`.
pub async fn start_with(addr: SocketAddr, handler: Handler) -> std::io::Result<ServerHandle> {
    start_with_until(addr, handler, std::future::pending()).await
}

/// Serves requests with `handler` on `addr` until `shutdown` completes or the handle stops it.
pub async fn start_with_until(
    addr: SocketAddr,
    handler: Handler,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<ServerHandle> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                _ = &mut stop_rx => break,
                _ = &mut shutdown => break,
                a = listener.accept() => a,
            };
            let (stream, _) = match accepted {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            };
            let handler = handler.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| {
                    let handler = handler.clone();
                    async move {
                        let (parts, _body) = req.into_parts();
                        Ok::<_, Infallible>(handler(Request::from_parts(parts, ())).await)
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc);
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
            });
        }
        tracing::debug!(%addr, "server stopped");
    });
    tracing::info!(%addr, "serving");
    Ok(ServerHandle {
        addr,
        stop: Some(stop_tx),
        task: Some(task),
    })
}

/// A plain response with a status, a content type and a body.
pub fn reply(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Reply {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

async fn serve_file(root: &Path, req: &Request<()>) -> Reply {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "GET only\n");
    }
    let Some(path) = resolve(root, req.uri().path()) else {
        return reply(StatusCode::NOT_FOUND, "text/plain", "not found\n");
    };
    let path = if tokio::fs::metadata(&path)
        .await
        .map(|m| m.is_dir())
        .unwrap_or(false)
    {
        path.join("index.html")
    } else {
        path
    };
    let body = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(_) => return reply(StatusCode::NOT_FOUND, "text/plain", "not found\n"),
    };
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..12]));
    let unchanged = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut r = if unchanged {
        reply(StatusCode::NOT_MODIFIED, content_type(&path), Bytes::new())
    } else {
        reply(StatusCode::OK, content_type(&path), body)
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(ETAG, v);
    }
    r
}

/// Maps a URL path onto a file under `root`, refusing anything that would leave it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    let mut out = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_root() {
        let root = Path::new("/srv/site");
        assert_eq!(
            resolve(root, "/listings/a%20b.html"),
            Some(PathBuf::from("/srv/site/listings/a b.html"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/a/%2e%2e/%2e%2e/x"), None);
        assert_eq!(resolve(root, "/"), Some(PathBuf::from("/srv/site")));
    }

    #[tokio::test]
    async fn serves_files_and_index_with_etag() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<h1>hi</h1>").unwrap();
        let (addr, handle) =
            StaticServer::start(dir.path().to_path_buf(), ([127, 0, 0, 1], 0).into())
                .await
                .unwrap();
        let client = reqwest::Client::new();
        let r = client.get(format!("http://{addr}/")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let etag = r.headers().get("etag").unwrap().clone();
        assert_eq!(r.text().await.unwrap(), "<h1>hi</h1>");
        let r = client
            .get(format!("http://{addr}/"))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 304);
        let r = client
            .get(format!("http://{addr}/nope.html"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        handle.shutdown().await;
    }
}
