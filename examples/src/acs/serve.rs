//! The HTTP(S) listeners: hyper connections driven by hand, for what `axum::serve` does not
//! give: TLS, `TCP_NODELAY`, an idle timeout, one write per response, and a graceful drain.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;
use tracing::{debug, warn};

/// What a handler knows of the connection its request came on (a request extension).
#[derive(Debug, Clone, Copy)]
pub struct ConnInfo {
    /// The client's address.
    pub peer: SocketAddr,
    /// Whether the connection is TLS.
    pub tls: bool,
}

/// How a listener treats its connections.
#[derive(Debug, Clone)]
pub struct ListenerOptions {
    /// A keep-alive connection idle this long (no request header arriving) is closed, and a
    /// request body that gets no byte for this long fails.
    pub idle_timeout: Duration,
    /// A TLS handshake that takes longer is abandoned.
    pub handshake_timeout: Duration,
    /// In-flight connections get this long to finish at shutdown.
    pub drain_timeout: Duration,
    /// The connections that may be open at once, shared by the listeners that take it
    /// (`None`: no cap). Past it, a connection gets one `503 Service Unavailable` with
    /// `Retry-After: retry_after_secs` and is closed, as a CPE expects of a busy ACS: each
    /// open connection costs memory, so this is the server's memory bound in a boot storm.
    pub connections: Option<Arc<tokio::sync::Semaphore>>,
    /// The `Retry-After` of that 503, in seconds.
    pub retry_after_secs: u64,
}

/// What a connection past the cap is answered.
fn busy_router(retry_after_secs: u64) -> Router {
    Router::new().fallback(move || async move {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [
                (
                    axum::http::header::RETRY_AFTER,
                    retry_after_secs.to_string(),
                ),
                (axum::http::header::CONNECTION, "close".to_owned()),
            ],
            "too many connections: retry later\n",
        )
    })
}

/// Serves `router` on `listener` until `shutdown` turns true, then lets the connections in
/// flight finish their requests (up to the drain timeout).
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: Router,
    options: ListenerOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = tls.map(TlsAcceptor::from);
    let graceful = GracefulShutdown::new();
    let busy = busy_router(options.retry_after_secs);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // A response split over two writes, with Nagle on, waits for the client's delayed
        // ACK: about 40 ms a round trip.
        let _ = stream.set_nodelay(true);
        let (slot, router) = match &options.connections {
            Some(slots) => match slots.clone().try_acquire_owned() {
                Ok(slot) => (Some(slot), &router),
                Err(_) => {
                    debug!(%peer, "too many connections: answered 503");
                    (None, &busy)
                }
            },
            None => (None, &router),
        };
        let info = ConnInfo {
            peer,
            tls: acceptor.is_some(),
        };
        let idle = options.idle_timeout;
        let service = router
            .clone()
            .map_request(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(info);
                request.map(|body| IdleBody::new(body, idle))
            });
        let service = TowerToHyperService::new(service);
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(options.idle_timeout)
            .keep_alive(true)
            // Headers and body in one buffer, so each response is one write.
            .writev(false);
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        let handshake_timeout = options.handshake_timeout;
        tokio::spawn(async move {
            // The connection's place under the cap, given back when it closes.
            let _slot = slot;
            let result = match acceptor {
                Some(acceptor) => {
                    match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => {
                            let conn = builder.serve_connection(TokioIo::new(stream), service);
                            watcher.watch(conn).await
                        }
                        Ok(Err(e)) => {
                            debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            debug!(%peer, "TLS handshake timed out");
                            return;
                        }
                    }
                }
                None => {
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
            };
            if let Err(e) = result {
                debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(options.drain_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        warn!("connections still open after the drain timeout");
    }
}

/// A request body that fails when nothing arrives for the idle timeout. hyper's header
/// timeout stops at the headers: a client that declares a longer body than it sends, and
/// stays, would otherwise hold its connection and the handler waiting for the rest for good.
/// The handler's body extractor turns the failure into a 400, and the connection closes.
struct IdleBody {
    inner: Incoming,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl IdleBody {
    fn new(inner: Incoming, idle: Duration) -> Self {
        Self {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

/// Why an [`IdleBody`] failed.
#[derive(Debug, thiserror::Error)]
#[error("no request body bytes for {0:?}")]
struct BodyStalled(Duration);

impl hyper::body::Body for IdleBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let deadline = tokio::time::Instant::now() + this.idle;
                this.timer.as_mut().reset(deadline);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyStalled(this.idle))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
