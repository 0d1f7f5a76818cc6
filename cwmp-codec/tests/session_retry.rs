//! The CPE retry policy (TR-069 3.2.1.1) and the events a failed session keeps.

use cwmp_codec::{EventCode, EventRetention, RetryPolicy, SessionEnd, SessionRetry};

#[test]
fn default_wait_table() {
    let p = RetryPolicy::default();
    let expected = [
        (5, 10),
        (10, 20),
        (20, 40),
        (40, 80),
        (80, 160),
        (160, 320),
        (320, 640),
        (640, 1280),
        (1280, 2560),
        (2560, 5120),
        (2560, 5120),
        (2560, 5120),
    ];
    for (i, (min, max)) in expected.into_iter().enumerate() {
        let n = i as u32 + 1;
        assert_eq!(p.wait_range_ms(n), (min * 1000, max * 1000), "retry {n}");
    }
    assert_eq!(p.wait_range_ms(0), (0, 0));
    assert_eq!(p.wait_range_ms(u32::MAX), (2_560_000, 5_120_000));
}

#[test]
fn other_parameters() {
    // m = 10 s, k = 1.5: 10-15 s, 15-22.5 s, 22.5-33.75 s.
    let p = RetryPolicy::new(10, 1500);
    assert_eq!(p.wait_range_ms(1), (10_000, 15_000));
    assert_eq!(p.wait_range_ms(2), (15_000, 22_500));
    assert_eq!(p.wait_range_ms(3), (22_500, 33_750));
    // Out-of-range parameters are clamped, the largest do not overflow.
    assert_eq!(RetryPolicy::new(0, 0).wait_range_ms(3), (1_000, 1_000));
    let big = RetryPolicy::new(65_535, 65_535);
    assert_eq!(big.wait_range_ms(10), (u64::MAX, u64::MAX));
    assert_eq!(big.wait_ms(10, 12345), u64::MAX);
    let (min, max) = big.wait_range_ms(3);
    assert!(min < max);
}

#[test]
fn random_draw_stays_in_range() {
    let p = RetryPolicy::default();
    for n in 1..12 {
        let (min, max) = p.wait_range_ms(n);
        for r in [0, 1, 4_999, 5_000, 5_001, u64::MAX / 3, u64::MAX] {
            let w = p.wait_ms(n, r);
            assert!((min..=max).contains(&w), "retry {n} draw {r}: {w}");
        }
        assert_eq!(p.wait_ms(n, 0), min);
    }
    assert_eq!(p.wait_ms(1, 5_000), 10_000);
}

#[test]
fn retention_table() {
    use EventRetention::*;
    let cases = [
        (EventCode::Bootstrap, UntilDelivered),
        (EventCode::Boot, UntilDelivered),
        (EventCode::Periodic, DroppedOnFailure),
        (EventCode::Scheduled, UntilDelivered),
        (EventCode::ValueChange, UntilDelivered),
        (EventCode::Kicked, UntilAcknowledged("Kicked")),
        (EventCode::ConnectionRequest, DroppedOnFailure),
        (
            EventCode::TransferComplete,
            UntilAcknowledged("TransferComplete"),
        ),
        (EventCode::MDownload, UntilAcknowledged("TransferComplete")),
        (EventCode::MUpload, UntilAcknowledged("TransferComplete")),
        (
            EventCode::RequestDownload,
            UntilAcknowledged("RequestDownload"),
        ),
        (EventCode::MReboot, UntilDelivered),
        (EventCode::TtaDhcp, UntilDelivered),
        (EventCode::TtaVenderProvision, UntilDelivered),
        (EventCode::TtaServiceProvision, UntilDelivered),
        (EventCode::from_text("X 00D09E CUSTOM"), UntilDelivered),
    ];
    for (code, retention) in cases {
        assert_eq!(EventRetention::of(&code), retention, "{code}");
    }
}

fn codes(r: &mut SessionRetry) -> Vec<String> {
    r.inform_events()
        .iter()
        .map(|e| format!("{}/{}", e.event_code, e.command_key))
        .collect()
}

#[test]
fn failed_sessions_keep_what_must_be_kept() {
    let mut r = SessionRetry::new(RetryPolicy::default());
    r.add_event(EventCode::Bootstrap, "");
    r.add_event(EventCode::Boot, "");
    r.add_event(EventCode::ConnectionRequest, "");
    r.add_event(EventCode::Periodic, "");
    r.add_event(EventCode::TtaDhcp, "");
    r.add_event(EventCode::TransferComplete, "");
    r.add_event(EventCode::MDownload, "dl-1");
    assert_eq!(r.inform_events().len(), 7);
    assert_eq!(r.retry_count(), 0);

    // Fails before the InformResponse.
    assert_eq!(
        r.session_ended(&SessionEnd::TimedOut, &[]),
        Some((5_000, 10_000))
    );
    assert_eq!(r.retry_count(), 1);
    assert_eq!(
        codes(&mut r),
        [
            "0 BOOTSTRAP/",
            "1 BOOT/",
            "X TTA DHCP/",
            "7 TRANSFER COMPLETE/",
            "M Download/dl-1"
        ]
    );
    // Fails again after the Inform was answered but before the TransferComplete was:
    // nothing is delivered by a failed session.
    assert_eq!(
        r.session_ended(&SessionEnd::TransportFailed, &["Inform".into()]),
        Some((10_000, 20_000))
    );
    assert_eq!(r.retry_count(), 2);
    assert_eq!(codes(&mut r).len(), 5);
    // A clean session whose TransferComplete was faulted: the rest is delivered, the
    // transfer events wait for the TransferComplete.
    assert_eq!(
        r.session_ended(&SessionEnd::Completed, &["Inform".into()]),
        None
    );
    assert_eq!(r.retry_count(), 0);
    assert_eq!(codes(&mut r), ["7 TRANSFER COMPLETE/", "M Download/dl-1"]);
    // Its TransferComplete acknowledged, even in a session that then fails: both go.
    assert!(
        r.session_ended(
            &SessionEnd::TimedOut,
            &["Inform".into(), "TransferComplete".into()]
        )
        .is_some()
    );
    assert!(!r.has_events());
}

#[test]
fn events_added_during_a_session_wait_for_the_next() {
    let mut r = SessionRetry::default();
    r.add_event(EventCode::Periodic, "");
    r.inform_events();
    r.add_event(EventCode::ValueChange, "");
    r.add_event(EventCode::ConnectionRequest, "");
    assert_eq!(
        r.session_ended(&SessionEnd::Completed, &["Inform".into()]),
        None
    );
    assert_eq!(codes(&mut r), ["4 VALUE CHANGE/", "6 CONNECTION REQUEST/"]);
}

#[test]
fn cumulative_behaviour() {
    let mut r = SessionRetry::default();
    r.add_event(EventCode::Boot, "");
    r.add_event(EventCode::Boot, "");
    r.add_event(EventCode::Scheduled, "a");
    r.add_event(EventCode::Scheduled, "b");
    r.add_event(EventCode::MScheduleInform, "a");
    r.add_event(EventCode::MScheduleInform, "b");
    r.add_event(EventCode::MScheduleInform, "b");
    assert_eq!(
        codes(&mut r),
        [
            "1 BOOT/",
            "3 SCHEDULED/b",
            "M ScheduleInform/a",
            "M ScheduleInform/b"
        ]
    );
}

#[cfg(feature = "serde")]
#[test]
fn survives_serialization() {
    let mut r = SessionRetry::default();
    r.add_event(EventCode::Boot, "");
    r.session_ended(&SessionEnd::TimedOut, &[]);
    let back: SessionRetry = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
}
