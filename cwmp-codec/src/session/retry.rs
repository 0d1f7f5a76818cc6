//! The CPE's retry policy after a failed session (TR-069 3.2.1.1) and the events it keeps for
//! the next Inform (TR-069 3.7.1.5).

use std::borrow::Cow;

use super::SessionEnd;
use crate::{EventCode, EventStruct};

/// The wait before the n-th retry of a failed session (TR-069 3.2.1.1), from the
/// `ManagementServer.CWMPRetryMinimumWaitInterval` and `CWMPRetryIntervalMultiplier`
/// parameters.
///
/// The n-th retry waits between `m * (k/1000)^(n-1)` and `m * (k/1000)^n` seconds, `n` capped
/// at 10. With the defaults (m = 5, k = 2000): 5-10 s, 10-20 s, 20-40 s, ... and from the tenth
/// retry on 2560-5120 s. The library draws no random numbers: the caller passes one.
///
/// ```
/// use cwmp_codec::RetryPolicy;
/// let p = RetryPolicy::default();
/// assert_eq!(p.wait_range_ms(1), (5_000, 10_000));
/// assert_eq!(p.wait_range_ms(2), (10_000, 20_000));
/// assert_eq!(p.wait_range_ms(10), (2_560_000, 5_120_000));
/// assert_eq!(p.wait_range_ms(99), (2_560_000, 5_120_000));
/// let wait = p.wait_ms(3, 0x1234_5678_9abc);
/// assert!((20_000..=40_000).contains(&wait));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RetryPolicy {
    /// `CWMPRetryMinimumWaitInterval`, seconds (1 to 65535; default 5; 0 counts as 1).
    pub minimum_wait_interval: u32,
    /// `CWMPRetryIntervalMultiplier`, thousandths (1000 to 65535; default 2000; less than 1000
    /// counts as 1000).
    pub interval_multiplier: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            minimum_wait_interval: 5,
            interval_multiplier: 2000,
        }
    }
}

/// The retry number from which the wait no longer grows.
const MAX_RETRY_STEP: u32 = 10;

impl RetryPolicy {
    /// A policy from the two parameters.
    #[must_use]
    pub fn new(minimum_wait_interval: u32, interval_multiplier: u32) -> Self {
        Self {
            minimum_wait_interval,
            interval_multiplier,
        }
    }

    /// The range, in milliseconds, of the wait before retry `retry` (1 for the first retry;
    /// 0 has no wait: `(0, 0)`).
    #[must_use]
    pub fn wait_range_ms(&self, retry: u32) -> (u64, u64) {
        if retry == 0 {
            return (0, 0);
        }
        let n = retry.min(MAX_RETRY_STEP);
        let k = u128::from(self.interval_multiplier.max(1000));
        let mut min = u128::from(self.minimum_wait_interval.max(1)) * 1000;
        for _ in 1..n {
            min = min * k / 1000;
        }
        let max = min * k / 1000;
        let clamp = |v: u128| u64::try_from(v).unwrap_or(u64::MAX);
        (clamp(min), clamp(max))
    }

    /// The wait before retry `retry`, in milliseconds: a point of
    /// [`wait_range_ms`](Self::wait_range_ms) chosen by `random` (a uniformly random number
    /// the caller draws).
    #[must_use]
    pub fn wait_ms(&self, retry: u32, random: u64) -> u64 {
        let (min, max) = self.wait_range_ms(retry);
        match (max - min).checked_add(1) {
            Some(span) => min + random % span,
            None => min.saturating_add(random),
        }
    }
}

/// How long an event waits in [`SessionRetry`] for its delivery (TR-069 3.7.1.5, Table 7, as
/// this crate reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventRetention {
    /// Kept through failed sessions until a session whose Inform carried it ends cleanly:
    /// `0 BOOTSTRAP`, `1 BOOT`, `3 SCHEDULED`, `4 VALUE CHANGE`, `8 DIAGNOSTICS COMPLETE`,
    /// `M Reboot`, `M ScheduleInform`, the TTA events (`X TTA DHCP`,
    /// `X TTA VENDER_PROVISION`, `X TTA SERVICE_PROVISION`), and any event the crate does not
    /// know (a vendor event is kept rather than lost).
    UntilDelivered,
    /// Kept until the ACS answers the named method with a response, in any session: the event
    /// travels with that RPC. `7 TRANSFER COMPLETE`, `M Download`, `M Upload` and
    /// `M ScheduleDownload` with `TransferComplete`; `10 AUTONOMOUS TRANSFER COMPLETE` with
    /// `AutonomousTransferComplete`; `11 DU STATE CHANGE COMPLETE` and `M ChangeDUState`
    /// with `DUStateChangeComplete`; `12 AUTONOMOUS DU STATE CHANGE COMPLETE` with
    /// `AutonomousDUStateChangeComplete`; `9 REQUEST DOWNLOAD` with `RequestDownload`;
    /// `5 KICKED` with `Kicked`.
    UntilAcknowledged(&'static str),
    /// Dropped when the session that carried it fails: `2 PERIODIC` (the next period brings a
    /// new one), `6 CONNECTION REQUEST` (the ACS asks again if it still wants the session),
    /// `13 WAKEUP`.
    DroppedOnFailure,
}

impl EventRetention {
    /// The retention of `code`.
    #[must_use]
    pub fn of(code: &EventCode<'_>) -> Self {
        match code {
            EventCode::TransferComplete
            | EventCode::MDownload
            | EventCode::MUpload
            | EventCode::MScheduleDownload => Self::UntilAcknowledged("TransferComplete"),
            EventCode::AutonomousTransferComplete => {
                Self::UntilAcknowledged("AutonomousTransferComplete")
            }
            EventCode::DuStateChangeComplete | EventCode::MChangeDuState => {
                Self::UntilAcknowledged("DUStateChangeComplete")
            }
            EventCode::AutonomousDuStateChangeComplete => {
                Self::UntilAcknowledged("AutonomousDUStateChangeComplete")
            }
            EventCode::RequestDownload => Self::UntilAcknowledged("RequestDownload"),
            EventCode::Kicked => Self::UntilAcknowledged("Kicked"),
            EventCode::Periodic | EventCode::ConnectionRequest | EventCode::Wakeup => {
                Self::DroppedOnFailure
            }
            _ => Self::UntilDelivered,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct PendingEvent {
    code: String,
    command_key: String,
    /// Carried by the Inform of the current session.
    in_flight: bool,
}

impl PendingEvent {
    fn code(&self) -> EventCode<'_> {
        EventCode::from_text(self.code.as_str())
    }
}

/// The CPE's state across sessions: the events not yet delivered and the Inform's
/// `RetryCount`. With the `serde` feature it serializes, to survive a reboot.
///
/// Events are cumulative as TR-069 says: a numbered or vendor event is held once (a new
/// occurrence replaces its command key), an `M <method>` event once per command key.
///
/// ```
/// use cwmp_codec::{EventCode, RetryPolicy, SessionEnd, SessionRetry};
///
/// let mut retry = SessionRetry::new(RetryPolicy::default());
/// retry.add_event(EventCode::Boot, "");
/// retry.add_event(EventCode::Periodic, "");
/// assert_eq!(retry.inform_events().len(), 2);
/// // The session fails: BOOT is kept, PERIODIC dropped, the first retry waits 5-10 s.
/// let wait = retry.session_ended(&SessionEnd::TimedOut, &[]);
/// assert_eq!(wait, Some((5_000, 10_000)));
/// assert_eq!(retry.retry_count(), 1);
/// let events = retry.inform_events();
/// assert_eq!(events.len(), 1);
/// assert_eq!(events[0].event_code, EventCode::Boot);
/// // The retry succeeds: BOOT is delivered, the count starts over.
/// assert_eq!(retry.session_ended(&SessionEnd::Completed, &["Inform".into()]), None);
/// assert!(retry.inform_events().is_empty());
/// assert_eq!(retry.retry_count(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SessionRetry {
    policy: RetryPolicy,
    retry_count: u32,
    events: Vec<PendingEvent>,
}

impl SessionRetry {
    /// No events, `RetryCount` 0.
    #[must_use]
    pub fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            retry_count: 0,
            events: Vec::new(),
        }
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// The Inform's `RetryCount`: failed sessions since the last one that ended cleanly.
    #[must_use]
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// Whether an event waits for delivery (a reason to open a session).
    #[must_use]
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Records an event for the next Inform.
    pub fn add_event(&mut self, code: EventCode<'_>, command_key: &str) {
        let multiple = code.as_str().starts_with("M ");
        let same = self
            .events
            .iter_mut()
            .find(|e| e.code == code.as_str() && (!multiple || e.command_key == command_key));
        match same {
            Some(e) => command_key.clone_into(&mut e.command_key),
            None => self.events.push(PendingEvent {
                code: code.as_str().to_owned(),
                command_key: command_key.to_owned(),
                in_flight: false,
            }),
        }
    }

    /// The events for the Inform that opens the next session, oldest first; they count as
    /// carried by that session.
    pub fn inform_events(&mut self) -> Vec<EventStruct<'static>> {
        self.events
            .iter_mut()
            .map(|e| {
                e.in_flight = true;
                EventStruct {
                    event_code: EventCode::from_text(e.code.clone()),
                    command_key: Cow::Owned(e.command_key.clone()),
                }
            })
            .collect()
    }

    /// The session ended as `end`, with the ACS having answered the CPE's requests of the
    /// methods in `acknowledged` ([`CpeSession::acknowledged`](crate::CpeSession::acknowledged)).
    ///
    /// A clean end delivers the events its Inform carried (but those waiting for an RPC that
    /// was not acknowledged) and sets `RetryCount` to 0: `None`. Any other end keeps the
    /// events [`EventRetention`] says to keep, counts one more retry and returns the range of
    /// the wait before it, in milliseconds ([`RetryPolicy::wait_range_ms`]).
    pub fn session_ended(
        &mut self,
        end: &SessionEnd,
        acknowledged: &[String],
    ) -> Option<(u64, u64)> {
        let completed = end.is_completed();
        self.events.retain(|e| match EventRetention::of(&e.code()) {
            EventRetention::UntilAcknowledged(method) => !acknowledged.iter().any(|m| m == method),
            EventRetention::UntilDelivered => !(completed && e.in_flight),
            EventRetention::DroppedOnFailure => !e.in_flight,
        });
        for e in &mut self.events {
            e.in_flight = false;
        }
        if completed {
            self.retry_count = 0;
            None
        } else {
            self.retry_count = self.retry_count.saturating_add(1);
            Some(self.policy.wait_range_ms(self.retry_count))
        }
    }
}
