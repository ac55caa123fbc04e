//! The end of a run asked for by the operator.
//!
//! The handlers are installed when [`shutdown`] is called, not when its future is first polled:
//! a command that does work before it waits (a crawl before its first pause) would otherwise be
//! killed outright by a SIGTERM that arrives meanwhile, instead of finishing what it holds.

use std::future::Future;

use tokio::signal::unix::{signal, Signal, SignalKind};

/// Completes on Ctrl-C (SIGINT) or SIGTERM. Call it inside the runtime.
pub fn shutdown() -> impl Future<Output = ()> {
    let term = signal(SignalKind::terminate()).ok();
    let int = signal(SignalKind::interrupt()).ok();
    async move {
        tokio::select! {
            _ = received(term) => {}
            _ = received(int) => {}
        }
    }
}

/// Completes when `s` is delivered; never when its handler could not be installed.
async fn received(s: Option<Signal>) {
    match s {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
