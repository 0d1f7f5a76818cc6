//! The bridge to `cwmp-codec` (feature `cwmp`): parsed envelopes in, bodies out.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use cwmp_codec::{
    DateTimeText, DeviceIdStruct, EventCode, EventStruct, Inform, ParameterValueStruct,
    SetParameterValues, Value, XsdType,
};

use crate::catalog::{Param, ParamType, Parameter};
use crate::inform::{CheckedInform, DeviceDescription, InvalidInform, TtaEvent, check_inform};
use crate::path::Root;
use crate::problem::{Problem, Reason};
use crate::settings::{InvalidSettings, ProvStatus, Settings};

impl ParamType {
    /// The type of a `cwmp-codec` value (size facets were already dropped by the reader; an
    /// unknown type name is read by [`ParamType::from_xsi`]).
    pub fn from_cwmp(t: &XsdType<'_>) -> Self {
        match t {
            XsdType::String => Self::String,
            XsdType::UnsignedInt => Self::UnsignedInt,
            XsdType::Int => Self::Int,
            XsdType::Boolean => Self::Boolean,
            XsdType::DateTime => Self::DateTime,
            XsdType::Base64 => Self::Base64,
            XsdType::Other(name) => Self::from_xsi(name),
            _ => Self::Other,
        }
    }

    /// The `cwmp-codec` type.
    pub fn to_cwmp(self) -> XsdType<'static> {
        match self {
            Self::String => XsdType::String,
            Self::UnsignedInt => XsdType::UnsignedInt,
            Self::Int => XsdType::Int,
            Self::Boolean => XsdType::Boolean,
            Self::DateTime => XsdType::DateTime,
            Self::Base64 => XsdType::Base64,
            Self::Other => XsdType::Other(Cow::Borrowed("anySimpleType")),
        }
    }
}

impl<'a> Param<'a> {
    /// An item of a parsed parameter list, borrowing its name and text.
    pub fn from_cwmp(p: &'a ParameterValueStruct<'_>) -> Self {
        Param {
            name: Cow::Borrowed(&p.name),
            xsd_type: ParamType::from_cwmp(&p.value.xsd_type),
            value: Cow::Borrowed(&p.value.text),
        }
    }

    /// The `cwmp-codec` item.
    pub fn to_cwmp(&self) -> ParameterValueStruct<'static> {
        ParameterValueStruct {
            name: Cow::Owned(alloc::string::String::from(&*self.name)),
            value: Value {
                xsd_type: self.xsd_type.to_cwmp(),
                text: Cow::Owned(alloc::string::String::from(&*self.value)),
            },
        }
    }
}

fn params<'a>(list: &'a [ParameterValueStruct<'_>]) -> Vec<Param<'a>> {
    list.iter().map(Param::from_cwmp).collect()
}

impl Settings<'static> {
    /// Reads the typed settings from a parsed SetParameterValues (as [`Settings::read`]).
    ///
    /// ```
    /// use cwmp_codec::{Body, Envelope};
    /// use tta_datamodel::{Parameter, Settings};
    ///
    /// let xml = include_bytes!("../tests/vectors/spv-sds-sms-seed-example.xml");
    /// let envelope = Envelope::parse(xml).unwrap(); // the envelope is valid...
    /// let Body::SetParameterValues(spv) = &envelope.body else { unreachable!() };
    /// let err = Settings::from_cwmp(spv).unwrap_err(); // ...its settings are not
    /// assert!(err.names(Parameter::SdsPackageSegmentIds));
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Settings::read`].
    pub fn from_cwmp(spv: &SetParameterValues<'_>) -> Result<Self, InvalidSettings> {
        let list = params(&spv.parameter_list);
        Settings::read(&list).map(Settings::into_owned)
    }
}

impl Settings<'_> {
    /// The SetParameterValues that carries these settings under `root`.
    pub fn to_cwmp(&self, root: Root, parameter_key: &str) -> SetParameterValues<'static> {
        SetParameterValues {
            parameter_list: self.to_params(root).iter().map(Param::to_cwmp).collect(),
            parameter_key: Cow::Owned(alloc::string::String::from(parameter_key)),
        }
    }
}

/// The first TTA event of a parsed Inform.
pub fn tta_event(inform: &Inform<'_>) -> Option<TtaEvent> {
    inform.event.iter().find_map(|e| match &e.event_code {
        EventCode::TtaDhcp => Some(TtaEvent::Dhcp),
        EventCode::TtaVenderProvision => Some(TtaEvent::VenderProvision),
        EventCode::TtaServiceProvision => Some(TtaEvent::ServiceProvision),
        _ => None,
    })
}

/// Checks a parsed Inform for `event` (as [`check_inform`]), and that `X_TTA_DeviceID` is the
/// Inform's `DeviceId` (OUI, ProductClass, SerialNumber).
///
/// ```
/// use cwmp_codec::{Body, Envelope};
/// use tta_datamodel::{TtaEvent, check_cwmp_inform, tta_event};
///
/// let xml = include_bytes!("../tests/vectors/inform-igd-x-tta-dhcp.xml");
/// let envelope = Envelope::parse(xml).unwrap();
/// let Body::Inform(inform) = &envelope.body else { unreachable!() };
/// let event = tta_event(inform).unwrap();
/// assert_eq!(event, TtaEvent::Dhcp);
/// let checked = check_cwmp_inform(event, inform)?;
/// assert_eq!(checked.device_id.to_string(), "001F3C-IPTV-001F3C0AF04C");
/// # Ok::<(), tta_datamodel::InvalidInform>(())
/// ```
///
/// # Errors
///
/// As [`check_inform`], and [`Reason::DeviceIdMismatch`].
pub fn check_cwmp_inform(
    event: TtaEvent,
    inform: &Inform<'_>,
) -> Result<CheckedInform<'static>, InvalidInform> {
    let list = params(&inform.parameter_list);
    let checked = check_inform(event, &list)?.into_owned();
    let d = &inform.device_id;
    let id = &checked.device_id;
    if d.oui.trim() != id.oui()
        || d.product_class.trim() != id.product_class()
        || d.serial_number.trim() != id.serial_number()
    {
        return Err(InvalidInform::new(
            event,
            alloc::vec![Problem::new(
                Parameter::DeviceId,
                checked.root,
                Reason::DeviceIdMismatch
            )],
        ));
    }
    Ok(checked)
}

impl DeviceDescription<'_> {
    /// The Inform for `event`: the `DeviceId` from the description, the one event, and
    /// [`DeviceDescription::inform_parameters`]. Time and retry count are the caller's.
    pub fn to_cwmp_inform(
        &self,
        event: TtaEvent,
        status: ProvStatus,
        current_time: &str,
        retry_count: u32,
    ) -> Inform<'static> {
        let own = |s: &str| Cow::Owned(alloc::string::String::from(s));
        Inform {
            device_id: DeviceIdStruct {
                manufacturer: own(&self.manufacturer),
                oui: own(self.device_id.oui()),
                product_class: own(self.device_id.product_class()),
                serial_number: own(self.device_id.serial_number()),
            },
            event: alloc::vec![EventStruct {
                event_code: match event {
                    TtaEvent::Dhcp => EventCode::TtaDhcp,
                    TtaEvent::VenderProvision => EventCode::TtaVenderProvision,
                    TtaEvent::ServiceProvision => EventCode::TtaServiceProvision,
                },
                command_key: Cow::Borrowed(""),
            }],
            max_envelopes: 1,
            current_time: DateTimeText {
                text: own(current_time),
            },
            retry_count,
            parameter_list: self
                .inform_parameters(event, status)
                .iter()
                .map(Param::to_cwmp)
                .collect(),
        }
    }
}
