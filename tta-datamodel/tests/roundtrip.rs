//! Property tests: what is written reads back as itself.

use std::num::NonZeroU16;

use proptest::prelude::*;
use tta_datamodel::*;

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_-]{0,12}"
            .prop_filter("not a vendor segment", |s| !s.starts_with("X_")),
        "X_[A-Z0-9-]{1,8}_[A-Za-z0-9_-]{1,8}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("Device"), Just("InternetGatewayDevice")],
        prop::collection::vec((segment(), prop::option::of(1u32..100_000)), 1..8),
        any::<bool>(),
    )
        .prop_map(|(root, segs, partial)| {
            let mut s = String::from(root);
            for (name, instance) in segs {
                s.push('.');
                s.push_str(&name);
                if let Some(i) = instance {
                    s.push_str(&format!(".{i}"));
                }
            }
            if partial {
                s.push('.');
            }
            s
        })
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9.:/-]{1,20}"
}

fn sds() -> impl Strategy<Value = SdsServer<'static>> {
    (
        1u8..8,
        prop::option::of(text()),
        prop::option::of(1u16..),
        prop::option::of(text()),
        prop::option::of("https?://[a-z0-9.]{1,12}/[a-z]{0,5}"),
        prop::option::of(text()),
        text(),
        prop::collection::vec((any::<u16>(), any::<u16>()), 1..5),
    )
        .prop_filter_map("rules", |(p, addr, port, src, pull, sp, region, pk)| {
            let mut protocols = None::<Protocols>;
            for (bit, proto) in [
                (1, Protocols::DVBSTP),
                (2, Protocols::HTTP),
                (4, Protocols::HTTPS),
            ] {
                if p & bit != 0 {
                    protocols = Some(protocols.map_or(proto, |x| x.with(proto)));
                }
            }
            SdsServer::new(SdsFields {
                protocols: protocols?,
                multicast_address: addr.map(Into::into),
                multicast_port: port,
                multicast_source: src.map(Into::into),
                pull_url: pull.map(Into::into),
                sp_id: sp.map(Into::into),
                region_code: region.into(),
                packages: pk
                    .into_iter()
                    .map(|(id, segment)| Package { id, segment })
                    .collect(),
            })
            .ok()
        })
}

fn settings() -> impl Strategy<Value = Settings<'static>> {
    (
        prop::option::of((
            0usize..3,
            any::<String>(),
            prop::option::of(text()),
            prop::bool::ANY,
        )),
        prop::option::of(sds()),
        prop::option::of((prop::bool::ANY, text(), 1u16..)),
        prop::option::of((
            prop::option::of(text()),
            "https?://[a-z0-9.]{1,12}/[a-z]{0,5}",
            prop::option::of(text()),
        )),
    )
        .prop_map(|(auth, sds, sms, sel)| Settings {
            auth: auth.map(|(r, message, server, done)| AuthResult {
                result: [
                    ProvResult::Success,
                    ProvResult::NotSubscribed,
                    ProvResult::TaVerificationFailed,
                ][r],
                message: message.into(),
                status: if done {
                    ProvStatus::Complete
                } else {
                    ProvStatus::NotComplete
                },
                auto_update_server: server.map(Into::into),
            }),
            sds,
            sms: sms.map(|(ssl, address, port)| SmsServer {
                protocol: if ssl {
                    SmsProtocol::SslTls
                } else {
                    SmsProtocol::DigiEnv
                },
                address: address.into(),
                port: NonZeroU16::new(port).unwrap(),
            }),
            selection: sel.map(|(name, url, ntp)| ProviderSelection {
                name: name.map(Into::into),
                url: url.into(),
                ntp_server: ntp.map(Into::into),
            }),
            ..Settings::default()
        })
}

proptest! {
    #[test]
    fn paths_parse_as_written(s in path()) {
        let p = Path::parse(&s).unwrap();
        prop_assert_eq!(p.as_str(), s.as_str());
        prop_assert_eq!(p.is_partial(), s.ends_with('.'));
        let rebuilt: Vec<String> = p.segments().map(|x| x.to_string()).collect();
        let body = s.strip_suffix('.').unwrap_or(&s);
        prop_assert_eq!(rebuilt.join("."), body.split_once('.').unwrap().1);
        let other = match p.root() { Root::Device => Root::InternetGatewayDevice, Root::InternetGatewayDevice => Root::Device };
        if let Some(m) = p.to_root(other) {
            let back = m.to_root(p.root()).unwrap();
            prop_assert_eq!(back.as_str(), s.as_str());
        }
    }

    #[test]
    fn path_parse_never_panics(s in "\\PC{0,80}") {
        let _ = Path::parse(&s);
        let _ = lookup(&s);
    }

    #[test]
    fn settings_round_trip(s in settings(), igd in any::<bool>()) {
        let root = if igd { Root::InternetGatewayDevice } else { Root::Device };
        let params = s.to_params(root);
        let back = Settings::read(&params).unwrap();
        prop_assert_eq!(back, s);
    }
}
