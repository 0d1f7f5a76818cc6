//! The STB's side of Connection Requests: an HTTP listener for TR-069 3.2.2 (a GET to the
//! `ConnectionRequestURL`, Digest authentication with `ConnectionRequestUsername` and
//! `ConnectionRequestPassword`) and a UDP listener for Annex G (a signed message to the
//! `UDPConnectionRequestAddress`, checked by [`UdpRequestVerifier`]). Each accepted request
//! asks the STB to open a session with `6 CONNECTION REQUEST`; requests that arrive before
//! it does are one request (TR-069 3.2.2: a CPE need not open a session per request).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cwmp_codec::{Secret, UdpConnectionRequest, UdpRequestVerifier};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::acs::auth::{Credentials, DigestAuthority};

/// The largest datagram read: one unfragmented datagram on an Ethernet path.
const MAX_DATAGRAM_BYTES: usize = 1472;

/// How a Connection Request reached the STB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// An HTTP GET to the `ConnectionRequestURL`.
    Http,
    /// A UDP message to the `UDPConnectionRequestAddress`.
    Udp,
}

/// The credentials a Connection Request must carry.
#[derive(Clone)]
struct Expected {
    username: String,
    password: String,
}

impl std::fmt::Debug for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expected")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone)]
struct Shared {
    expected: Arc<Mutex<Expected>>,
    authority: DigestAuthority,
    path: String,
    wake: mpsc::Sender<Origin>,
}

impl Shared {
    fn expected(&self) -> Expected {
        match self.expected.lock() {
            Ok(e) => e.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Wakes the STB; a request already waiting stands for this one too.
    fn wake(&self, origin: Origin) {
        let _ = self.wake.try_send(origin);
    }
}

/// The listeners of one STB; they stop when this is dropped.
#[derive(Debug)]
pub struct Listener {
    http_addr: SocketAddr,
    udp_addr: SocketAddr,
    shared: Shared,
    requests: mpsc::Receiver<Origin>,
    tasks: Vec<JoinHandle<()>>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Listener {
    /// Listens on `addr` (port 0: any) for HTTP, and on the same address for UDP (the same
    /// port when it is free, else any), accepting requests signed with `username` and
    /// `password`; `path` is the URL path (`/` when empty).
    ///
    /// # Errors
    ///
    /// An address cannot be bound.
    pub async fn start(
        addr: SocketAddr,
        path: &str,
        username: &str,
        password: &str,
    ) -> std::io::Result<Self> {
        let tcp = TcpListener::bind(addr).await?;
        let http_addr = tcp.local_addr()?;
        let udp = match UdpSocket::bind(http_addr).await {
            Ok(socket) => socket,
            Err(_) => UdpSocket::bind(SocketAddr::new(addr.ip(), 0)).await?,
        };
        let udp_addr = udp.local_addr()?;
        let (wake, requests) = mpsc::channel(1);
        let shared = Shared {
            expected: Arc::new(Mutex::new(Expected {
                username: username.to_owned(),
                password: password.to_owned(),
            })),
            authority: DigestAuthority::new(&rand::random::<[u8; 32]>(), "tta-stb", 300),
            path: format!("/{}", path.trim_start_matches('/')),
            wake,
        };
        let app = axum::Router::new()
            .fallback(http_request)
            .with_state(shared.clone());
        let http = tokio::spawn(async move {
            if let Err(e) = axum::serve(tcp, app).await {
                tracing::warn!(error = %e, "connection request listener stopped");
            }
        });
        let udp = tokio::spawn(udp_loop(udp, shared.clone()));
        Ok(Self {
            http_addr,
            udp_addr,
            shared,
            requests,
            tasks: vec![http, udp],
        })
    }

    /// The `ConnectionRequestURL` to report.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}{}", self.http_addr, self.shared.path)
    }

    /// The `UDPConnectionRequestAddress` to report (`host:port`).
    #[must_use]
    pub fn udp_address(&self) -> String {
        self.udp_addr.to_string()
    }

    /// Takes new credentials (the ACS may set them with SetParameterValues).
    pub fn set_credentials(&self, username: &str, password: &str) {
        let mut expected = match self.shared.expected.lock() {
            Ok(e) => e,
            Err(poisoned) => poisoned.into_inner(),
        };
        expected.username = username.to_owned();
        expected.password = password.to_owned();
    }

    /// The next accepted request; `None` when the listeners stopped.
    pub async fn next(&mut self) -> Option<Origin> {
        self.requests.recv().await
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn unauthorized(shared: &Shared, stale: bool) -> Response {
    let mut response = StatusCode::UNAUTHORIZED.into_response();
    // Digest only: the request comes over plain HTTP (TR-069 3.4.4 keeps Basic to TLS).
    for challenge in shared.authority.challenges(now_secs(), stale, false) {
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .append(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

async fn http_request(State(shared): State<Shared>, request: Request) -> Response {
    if request.method() != axum::http::Method::GET {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if request.uri().path() != shared.path {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(credentials) = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Credentials::parse(v).ok())
    else {
        return unauthorized(&shared, false);
    };
    let expected = shared.expected();
    if credentials.username() != expected.username {
        return unauthorized(&shared, false);
    }
    match shared
        .authority
        .check(&credentials, "GET", &expected.password, now_secs(), false)
    {
        Ok(()) => {
            shared.wake(Origin::Http);
            StatusCode::OK.into_response()
        }
        Err(e) => {
            tracing::info!(error = %e, "connection request refused");
            unauthorized(&shared, e.stale())
        }
    }
}

async fn udp_loop(socket: UdpSocket, shared: Shared) {
    let mut buf = vec![0u8; MAX_DATAGRAM_BYTES];
    let mut verifier: Option<(Expected, UdpRequestVerifier)> = None;
    loop {
        let n = match socket.recv_from(&mut buf).await {
            Ok((n, _)) => n,
            Err(e) => {
                tracing::warn!(error = %e, "UDP connection request listener stopped");
                return;
            }
        };
        let Ok(request) = UdpConnectionRequest::parse(&buf[..n]) else {
            continue;
        };
        let expected = shared.expected();
        // New credentials: a new verifier (the replay memory goes with the old password).
        let fresh = match &verifier {
            Some((e, _)) => e.username != expected.username || e.password != expected.password,
            None => true,
        };
        if fresh {
            let v = UdpRequestVerifier::new(
                expected.username.clone(),
                Secret::new(expected.password.as_str()),
            );
            verifier = Some((expected, v));
        }
        let Some((_, v)) = verifier.as_mut() else {
            continue;
        };
        match v.verify(&request) {
            Ok(()) => shared.wake(Origin::Udp),
            Err(e) => tracing::info!(error = %e, "UDP connection request ignored"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::acs::connreq::{UdpRepeat, send_http, send_udp};

    async fn next(listener: &mut Listener) -> Option<Origin> {
        tokio::time::timeout(Duration::from_secs(5), listener.next())
            .await
            .ok()
            .flatten()
    }

    #[tokio::test]
    async fn http_requests_need_the_digest_credentials() {
        crate::install_crypto_provider();
        let mut listener = Listener::start("127.0.0.1:0".parse().unwrap(), "cr", "STB1", "pw")
            .await
            .unwrap();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let url = listener.url();
        assert!(url.ends_with("/cr"), "{url}");
        let wrong = send_http(&client, &url, "STB1", "other").await;
        assert!(wrong.is_err(), "{wrong:?}");
        let ok = send_http(&client, &url, "STB1", "pw").await.unwrap();
        assert_eq!(ok.status, 200);
        assert_eq!(next(&mut listener).await, Some(Origin::Http));
        // New credentials take effect at once.
        listener.set_credentials("STB1", "new");
        assert!(send_http(&client, &url, "STB1", "pw").await.is_err());
        send_http(&client, &url, "STB1", "new").await.unwrap();
        assert_eq!(next(&mut listener).await, Some(Origin::Http));
    }

    #[tokio::test]
    async fn udp_requests_are_verified_once() {
        let mut listener = Listener::start("127.0.0.1:0".parse().unwrap(), "", "STB1", "pw")
            .await
            .unwrap();
        let target: SocketAddr = listener.udp_address().parse().unwrap();
        let acs = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let once = UdpRepeat::new(1, Duration::from_millis(1));
        send_udp(&acs, target, "STB1", "wrong", 100, 1, once)
            .await
            .unwrap();
        send_udp(&acs, target, "STB1", "pw", 101, 2, once)
            .await
            .unwrap();
        assert_eq!(next(&mut listener).await, Some(Origin::Udp));
        // A replay of the accepted message wakes nothing.
        send_udp(&acs, target, "STB1", "pw", 101, 2, once)
            .await
            .unwrap();
        let quiet = tokio::time::timeout(Duration::from_millis(300), listener.next()).await;
        assert!(quiet.is_err(), "{quiet:?}");
    }
}
