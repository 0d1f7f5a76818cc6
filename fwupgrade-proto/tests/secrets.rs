//! Values whose meaning the crate does not know are never printed: every unknown field's value
//! and `dlSvrPwd` are redacted in `Debug` and serialization, whatever the field is called, and
//! still written on the wire.

mod common;

use fwupgrade_proto::{CheckRequest, CheckResponse};

/// Unknown fields under names a name heuristic would miss: a plain one, one that decodes to
/// `pass`, one that decodes to `p=wd`.
fn request_with_extras() -> String {
    format!(
        "{}&x=v4lue1&pa%73s=v4lue2&p%3Dwd=v4lue3",
        common::SPEC_REQUEST
    )
}

const HIDDEN: [&str; 3] = ["v4lue1", "v4lue2", "v4lue3"];

#[test]
fn debug_shows_names_not_values() {
    let req = CheckRequest::parse(&request_with_extras())
        .unwrap()
        .into_owned();
    let names: Vec<&str> = req.extra.iter().map(|f| f.name.as_ref()).collect();
    assert_eq!(names, ["x", "pass", "p=wd"]);
    let dbg = format!("{req:?} {req:#?}");
    for value in HIDDEN {
        assert!(!dbg.contains(value), "{dbg}");
    }
    for shown in [
        r#"name: "x""#,
        r#"name: "pass""#,
        r#"name: "p=wd""#,
        "<redacted>",
    ] {
        assert!(dbg.contains(shown), "{shown}: {dbg}");
    }
    // A field the standard defines and that is no credential still shows its value.
    assert!(dbg.contains(r#"dev_model: "IPTV_STB""#), "{dbg}");
    // The explicit accessor gives the values, and writing keeps them.
    let values: Vec<&str> = req.extra.iter().map(|f| f.value.expose()).collect();
    assert_eq!(values, HIDDEN);
    assert!(
        req.to_string()
            .ends_with("&x=v4lue1&pass=v4lue2&p%3Dwd=v4lue3"),
        "{req}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn serialization_shows_names_not_values() {
    let body = request_with_extras();
    let req = CheckRequest::parse(&body).unwrap();
    let json = serde_json::to_value(&req).unwrap();
    assert_eq!(
        json["extra"],
        serde_json::json!([
            { "name": "x", "value": "<redacted>" },
            { "name": "pass", "value": "<redacted>" },
            { "name": "p=wd", "value": "<redacted>" },
        ])
    );
    assert_eq!(json["devModel"], "IPTV_STB");
    let text = json.to_string();
    for value in HIDDEN {
        assert!(!text.contains(value), "{text}");
    }
}

#[test]
fn response_credentials_and_leftovers_are_redacted() {
    let bodies = [
        "retCode=200&dlSvrUrl=http://h/x&dlSvrPwd=hunter2&upgradeMode=1&pkgFileVersion=2",
        // Offer fields of a response other than 200 mean nothing there: unknown values.
        "retCode=201&dlSvrPwd=hunter2",
        "retCode=500&X_Admin_Pin=hunter2",
        "retCode=201&p%3Dwd=hunter2",
    ];
    for body in bodies {
        let resp = CheckResponse::parse(body).unwrap();
        let dbg = format!("{resp:?}");
        assert!(
            !dbg.contains("hunter2") && dbg.contains("<redacted>"),
            "{dbg}"
        );
        #[cfg(feature = "serde")]
        {
            let json = serde_json::to_string(&resp).unwrap();
            assert!(
                !json.contains("hunter2") && json.contains("<redacted>"),
                "{json}"
            );
        }
        assert!(resp.to_string().contains("hunter2"), "{body}");
    }
}
