//! The accept loop: plain HTTP or TLS (native-tls, the TLS stack the rest of soi already uses),
//! each connection served by hyper with its peer address attached for the audit log and the
//! login throttle, until `shutdown` resolves.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::auth::ClientAddr;
use crate::ConsoleError;

/// A certificate chain and its private key, both PEM (the key PKCS#8).
pub struct Tls {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
}

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ConsoleError> {
    let acceptor = match tls {
        Some(t) => {
            let id = native_tls::Identity::from_pkcs8(&t.cert_pem, &t.key_pem)
                .map_err(|e| ConsoleError::Invalid(format!("the TLS certificate or key: {e}")))?;
            let a = native_tls::TlsAcceptor::new(id)
                .map_err(|e| ConsoleError::Invalid(format!("TLS: {e}")))?;
            Some(tokio_native_tls::TlsAcceptor::from(a))
        }
        None => None,
    };
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(a) => match a.accept(stream).await {
                    Ok(s) => connection(TokioIo::new(s), app, peer).await,
                    Err(e) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                },
                None => connection(TokioIo::new(stream), app, peer).await,
            }
        });
    }
}

async fn connection<I>(io: I, app: Router, peer: SocketAddr)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = app.map_request(
        move |mut req: axum::extract::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ClientAddr(peer));
            req.map(axum::body::Body::new)
        },
    );
    let svc = TowerToHyperService::new(svc);
    if let Err(e) = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, svc)
        .await
    {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
}
