//! Serde for the parts of session state whose codec types only serialize: envelopes are kept
//! as their canonical XML (and version), fault codes as numbers, versions as `"1.0"`..`"1.4"`.

use std::collections::VecDeque;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{CwmpVersion, Envelope, FaultCode};

fn version_text(v: CwmpVersion) -> &'static str {
    v.as_str()
}

fn version_from(text: &str) -> Option<CwmpVersion> {
    Some(match text {
        "1.0" => CwmpVersion::V1_0,
        "1.1" => CwmpVersion::V1_1,
        "1.2" => CwmpVersion::V1_2,
        "1.3" => CwmpVersion::V1_3,
        "1.4" => CwmpVersion::V1_4,
        _ => return None,
    })
}

pub(crate) mod version {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &CwmpVersion, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(version_text(*v))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CwmpVersion, D::Error> {
        let text = String::deserialize(d)?;
        version_from(&text).ok_or_else(|| D::Error::custom("unknown cwmp version"))
    }
}

pub(crate) mod opt_fault_code {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<FaultCode>, s: S) -> Result<S::Ok, S::Error> {
        v.map(FaultCode::code).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<FaultCode>, D::Error> {
        Ok(Option::<u32>::deserialize(d)?.map(FaultCode::from))
    }
}

/// One envelope as stored: its version (a 1.3 or 1.4 envelope without the headers that mark
/// the version reads back as 1.2, so the version is kept beside the XML) and canonical XML.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: String,
    xml: String,
}

fn store(e: &Envelope<'static>) -> Stored {
    Stored {
        version: version_text(e.version).to_owned(),
        xml: String::from_utf8_lossy(&e.to_vec()).into_owned(),
    }
}

fn load<E: serde::de::Error>(s: Stored) -> Result<Envelope<'static>, E> {
    let version = version_from(&s.version).ok_or_else(|| E::custom("unknown cwmp version"))?;
    let mut env = Envelope::parse(s.xml.as_bytes())
        .map_err(|e| E::custom(format_args!("stored envelope: {e}")))?
        .into_owned();
    env.version = version;
    Ok(env)
}

pub(crate) mod envelopes {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &VecDeque<Envelope<'static>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(store))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<VecDeque<Envelope<'static>>, D::Error> {
        Vec::<Stored>::deserialize(d)?
            .into_iter()
            .map(load)
            .collect()
    }
}

pub(crate) mod opt_envelope {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<Envelope<'static>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_ref().map(store).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Envelope<'static>>, D::Error> {
        Option::<Stored>::deserialize(d)?.map(load).transpose()
    }
}
