//! The server's Prometheus metrics, served at `/metrics` in the OpenMetrics text format.
//!
//! Every label value comes from an enum or is bounded here, never taken as-is from a request:
//! a CPE must not be able to create series without end.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of [`Metrics::encode`]'s output: OpenMetrics 1.0 text (it ends with
/// `# EOF`), which Prometheus asks for and reads.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The upper bounds of the session duration buckets, in seconds: a session of one Inform is
/// milliseconds on a LAN, one with a download or many parameters runs to tens of seconds, and
/// the session timeout ends the rest.
const SESSION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0,
];

/// How a CWMP session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionEnd {
    /// The CPE and the server both had nothing more to say (the empty POST and the 204).
    Completed,
    /// The CPE went quiet for longer than the session timeout.
    TimedOut,
    /// The connection broke or an HTTP exchange failed.
    TransportFailed,
    /// The CPE broke the protocol: a message out of turn, a malformed envelope.
    Violation,
    /// The Inform was refused: an unknown or unauthenticated device, a fault returned to it.
    InformRejected,
    /// The server failed: its store, or a bug.
    Internal,
    /// The server stopped while the session was open.
    Shutdown,
}

impl SessionEnd {
    /// Every way a session fails, so each `reason` series exists from the start at zero.
    const FAILURES: [Self; 6] = [
        Self::TimedOut,
        Self::TransportFailed,
        Self::Violation,
        Self::InformRejected,
        Self::Internal,
        Self::Shutdown,
    ];

    /// The `reason` label of a failure; `None` for [`SessionEnd::Completed`].
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Self::Completed => None,
            Self::TimedOut => Some("timed_out"),
            Self::TransportFailed => Some("transport_failed"),
            Self::Violation => Some("violation"),
            Self::InformRejected => Some("inform_rejected"),
            Self::Internal => Some("internal"),
            Self::Shutdown => Some("shutdown"),
        }
    }
}

/// Why an HTTP request was refused before it reached a session or a handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejection {
    /// Too many sessions or requests in flight (503).
    Busy,
    /// A body over the size limit (413).
    TooLarge,
    /// A request that is not HTTP the server can use (400).
    BadRequest,
    /// Missing or wrong credentials (401).
    Unauthorized,
    /// The server failed (answered 500).
    ServerError,
}

impl Rejection {
    const ALL: [Self; 5] = [
        Self::Busy,
        Self::TooLarge,
        Self::BadRequest,
        Self::Unauthorized,
        Self::ServerError,
    ];

    /// The `reason` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Busy => "busy",
            Self::TooLarge => "too_large",
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::ServerError => "server_error",
        }
    }
}

/// What came of a connection request to a CPE (TR-069 section 3.2.2 over HTTP, Annex G over
/// UDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionRequestResult {
    /// The CPE answered 200 or 204: it will open a session.
    Accepted,
    /// The UDP message was sent; UDP gives no answer to wait for.
    UdpSent,
    /// The CPE refused our credentials.
    Unauthorized,
    /// The CPE answered with another status.
    HttpError,
    /// No connection could be made.
    Unreachable,
    /// The CPE did not answer in time.
    TimedOut,
}

impl ConnectionRequestResult {
    const ALL: [Self; 6] = [
        Self::Accepted,
        Self::UdpSent,
        Self::Unauthorized,
        Self::HttpError,
        Self::Unreachable,
        Self::TimedOut,
    ];

    /// The `result` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::UdpSent => "udp_sent",
            Self::Unauthorized => "unauthorized",
            Self::HttpError => "http_error",
            Self::Unreachable => "unreachable",
            Self::TimedOut => "timed_out",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RetCodeLabel {
    ret_code: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: &'static str,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    sessions_started: Counter,
    sessions_completed: Counter,
    sessions_failed: Family<ReasonLabel, Counter>,
    sessions_active: Gauge,
    faults: Family<CodeLabel, Counter>,
    session_duration: Histogram,
    upgrade_checks: Family<RetCodeLabel, Counter>,
    rejected: Family<ReasonLabel, Counter>,
    connection_requests: Family<ResultLabel, Counter>,
}

/// The server's metrics. Cloning is cheap and every clone counts into the same registry.
#[derive(Clone, Debug)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every metric at zero.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let sessions_started = Counter::default();
        let sessions_completed = Counter::default();
        let sessions_failed = Family::<ReasonLabel, Counter>::default();
        let sessions_active = Gauge::default();
        let faults = Family::<CodeLabel, Counter>::default();
        let session_duration = Histogram::new(SESSION_BUCKETS);
        let upgrade_checks = Family::<RetCodeLabel, Counter>::default();
        let rejected = Family::<ReasonLabel, Counter>::default();
        let connection_requests = Family::<ResultLabel, Counter>::default();

        // The library appends `_total` to counter names.
        registry.register(
            "cwmp_sessions_started",
            "CWMP sessions opened by an Inform",
            sessions_started.clone(),
        );
        registry.register(
            "cwmp_sessions_completed",
            "CWMP sessions that ended normally",
            sessions_completed.clone(),
        );
        registry.register(
            "cwmp_sessions_failed",
            "CWMP sessions that ended otherwise, by reason",
            sessions_failed.clone(),
        );
        registry.register(
            "cwmp_sessions_active",
            "CWMP sessions open now",
            sessions_active.clone(),
        );
        registry.register(
            "cwmp_faults",
            "CWMP faults, sent or received, by fault code",
            faults.clone(),
        );
        registry.register(
            "cwmp_session_duration_seconds",
            "Duration of CWMP sessions, from the Inform to the end",
            session_duration.clone(),
        );
        registry.register(
            "upgrade_checks",
            "Firmware upgrade checks answered, by return code",
            upgrade_checks.clone(),
        );
        registry.register(
            "http_requests_rejected",
            "HTTP requests refused before handling, by reason",
            rejected.clone(),
        );
        registry.register(
            "connection_requests",
            "Connection requests sent to CPEs, by result",
            connection_requests.clone(),
        );

        // Series that exist at zero from the start, so `rate()` and alerts see them before the
        // first event rather than from it. The guards only hold the family's lock.
        for end in SessionEnd::FAILURES {
            if let Some(reason) = end.reason() {
                drop(sessions_failed.get_or_create(&ReasonLabel { reason }));
            }
        }
        for rejection in Rejection::ALL {
            drop(rejected.get_or_create(&ReasonLabel {
                reason: rejection.as_str(),
            }));
        }
        for result in ConnectionRequestResult::ALL {
            drop(connection_requests.get_or_create(&ResultLabel {
                result: result.as_str(),
            }));
        }

        Self {
            inner: Arc::new(Inner {
                registry,
                sessions_started,
                sessions_completed,
                sessions_failed,
                sessions_active,
                faults,
                session_duration,
                upgrade_checks,
                rejected,
                connection_requests,
            }),
        }
    }

    /// A session opened. Pair every call with one [`Metrics::session_ended`].
    pub fn session_started(&self) {
        self.inner.sessions_started.inc();
        self.inner.sessions_active.inc();
    }

    /// A session opened `duration` ago ended, as `end` says.
    pub fn session_ended(&self, end: SessionEnd, duration: Duration) {
        self.inner.sessions_active.dec();
        self.inner.session_duration.observe(duration.as_secs_f64());
        match end.reason() {
            None => {
                self.inner.sessions_completed.inc();
            }
            Some(reason) => {
                self.inner
                    .sessions_failed
                    .get_or_create(&ReasonLabel { reason })
                    .inc();
            }
        }
    }

    /// A CWMP fault with this code was sent or received.
    ///
    /// Codes outside the ranges TR-069 defines (8000-8999 from the ACS, 9000-9999 from the CPE,
    /// vendor codes included) count as `other`, since a CPE chooses the codes it sends.
    pub fn fault(&self, code: u32) {
        let code = if (8000..=9999).contains(&code) {
            code.to_string()
        } else {
            "other".to_owned()
        };
        self.inner.faults.get_or_create(&CodeLabel { code }).inc();
    }

    /// An upgrade check was answered with this return code.
    pub fn upgrade_check(&self, ret_code: u16) {
        self.inner
            .upgrade_checks
            .get_or_create(&RetCodeLabel { ret_code })
            .inc();
    }

    /// An HTTP request was refused.
    pub fn rejected(&self, reason: Rejection) {
        self.inner
            .rejected
            .get_or_create(&ReasonLabel {
                reason: reason.as_str(),
            })
            .inc();
    }

    /// A connection request ended so.
    pub fn connection_request(&self, result: ConnectionRequestResult) {
        self.inner
            .connection_requests
            .get_or_create(&ResultLabel {
                result: result.as_str(),
            })
            .inc();
    }

    /// Sets the open sessions to the store's count. Sessions move between nodes, so a node's
    /// own count of starts and ends drifts; the store's is the truth, read at each scrape.
    pub fn set_active_sessions(&self, open: i64) {
        self.inner.sessions_active.set(open);
    }

    /// The sessions open now.
    pub fn active_sessions(&self) -> i64 {
        self.inner.sessions_active.get()
    }

    /// Every metric in the OpenMetrics text format, ending `# EOF`; serve it with
    /// [`CONTENT_TYPE`].
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(4096);
        // A `String` never fails to take text, and every metric registered here encodes
        // without error, so there is no error to pass on.
        let encoded = prometheus_client::encoding::text::encode(&mut out, &self.inner.registry);
        debug_assert!(encoded.is_ok(), "encoding the metrics failed");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the sample line that starts with `series ` (name and labels as written).
    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map(|value| value.parse().unwrap())
    }

    #[test]
    fn a_fresh_registry_has_every_metric_at_zero() {
        let text = Metrics::new().encode();
        for series in [
            "cwmp_sessions_started_total",
            "cwmp_sessions_completed_total",
            "cwmp_sessions_active",
            "cwmp_sessions_failed_total{reason=\"timed_out\"}",
            "cwmp_sessions_failed_total{reason=\"inform_rejected\"}",
            "http_requests_rejected_total{reason=\"busy\"}",
            "http_requests_rejected_total{reason=\"unauthorized\"}",
            "connection_requests_total{result=\"unreachable\"}",
            "cwmp_session_duration_seconds_count",
        ] {
            assert_eq!(sample(&text, series), Some(0.0), "{series} in\n{text}");
        }
        for line in [
            "# TYPE cwmp_sessions_started counter",
            "# TYPE cwmp_sessions_active gauge",
            "# TYPE cwmp_session_duration_seconds histogram",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        // Families whose label values are not known in advance appear with their first series.
        assert!(!text.contains("cwmp_faults"), "{text}");
        assert!(!text.contains("upgrade_checks"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn events_move_their_series() {
        let metrics = Metrics::new();
        let shared = metrics.clone();
        metrics.session_started();
        metrics.session_started();
        shared.session_started();
        assert_eq!(metrics.active_sessions(), 3);
        metrics.session_ended(SessionEnd::Completed, Duration::from_millis(3));
        shared.session_ended(SessionEnd::TimedOut, Duration::from_secs(45));
        assert_eq!(metrics.active_sessions(), 1);
        metrics.fault(9002);
        metrics.fault(9002);
        metrics.fault(8005);
        metrics.fault(42);
        metrics.fault(u32::MAX);
        metrics.upgrade_check(200);
        metrics.upgrade_check(304);
        metrics.upgrade_check(200);
        metrics.rejected(Rejection::TooLarge);
        metrics.connection_request(ConnectionRequestResult::Accepted);
        metrics.connection_request(ConnectionRequestResult::Unreachable);
        metrics.connection_request(ConnectionRequestResult::Unreachable);

        let text = shared.encode();
        for line in [
            "# TYPE cwmp_faults counter",
            "# TYPE upgrade_checks counter",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        for (series, value) in [
            ("cwmp_sessions_started_total", 3.0),
            ("cwmp_sessions_completed_total", 1.0),
            ("cwmp_sessions_active", 1.0),
            ("cwmp_sessions_failed_total{reason=\"timed_out\"}", 1.0),
            ("cwmp_sessions_failed_total{reason=\"violation\"}", 0.0),
            ("cwmp_faults_total{code=\"9002\"}", 2.0),
            ("cwmp_faults_total{code=\"8005\"}", 1.0),
            ("cwmp_faults_total{code=\"other\"}", 2.0),
            ("upgrade_checks_total{ret_code=\"200\"}", 2.0),
            ("upgrade_checks_total{ret_code=\"304\"}", 1.0),
            ("http_requests_rejected_total{reason=\"too_large\"}", 1.0),
            ("http_requests_rejected_total{reason=\"busy\"}", 0.0),
            ("connection_requests_total{result=\"accepted\"}", 1.0),
            ("connection_requests_total{result=\"unreachable\"}", 2.0),
            ("cwmp_session_duration_seconds_count", 2.0),
            ("cwmp_session_duration_seconds_sum", 45.003),
            // 3 ms falls in the first bucket, 45 s in the 60 s one.
            ("cwmp_session_duration_seconds_bucket{le=\"0.005\"}", 1.0),
            ("cwmp_session_duration_seconds_bucket{le=\"30.0\"}", 1.0),
            ("cwmp_session_duration_seconds_bucket{le=\"60.0\"}", 2.0),
            ("cwmp_session_duration_seconds_bucket{le=\"+Inf\"}", 2.0),
        ] {
            let got = sample(&text, series).unwrap_or_else(|| panic!("{series} in\n{text}"));
            assert!((got - value).abs() < 1e-9, "{series}: {got} != {value}");
        }
    }

    #[test]
    fn labels_match_the_documented_values() {
        let reasons: Vec<_> = SessionEnd::FAILURES
            .iter()
            .filter_map(|e| e.reason())
            .collect();
        assert_eq!(
            reasons,
            [
                "timed_out",
                "transport_failed",
                "violation",
                "inform_rejected",
                "internal",
                "shutdown"
            ]
        );
        assert_eq!(SessionEnd::Completed.reason(), None);
        let rejections: Vec<_> = Rejection::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            rejections,
            [
                "busy",
                "too_large",
                "bad_request",
                "unauthorized",
                "server_error"
            ]
        );
    }
}
