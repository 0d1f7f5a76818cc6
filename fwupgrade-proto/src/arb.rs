//! Generators of valid values for fuzzing and property tests (`arbitrary` feature). They are
//! not API: each impl is `#[doc(hidden)]`.

use alloc::borrow::Cow;

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::{
    CheckRequest, CheckResponse, DevId, DeviceInfo, Field, Offer, PkgId, Report, ResultCode,
    RetCode, Secret,
};

/// Text borrowed from the fuzzer's bytes.
fn text<'a>(u: &mut Unstructured<'a>) -> Result<Cow<'a, str>> {
    Ok(Cow::Borrowed(u.arbitrary::<&'a str>()?))
}

fn opt_text<'a>(u: &mut Unstructured<'a>) -> Result<Option<Cow<'a, str>>> {
    Ok(if u.arbitrary()? { Some(text(u)?) } else { None })
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for PkgId<'a> {
    /// The two defined values often, any other text classified as reading would.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=2)? {
            0 => Self::Firmware,
            1 => Self::Application,
            _ => Self::from_value(text(u)?),
        })
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for ResultCode {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(u.arbitrary()?))
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for DevId {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(u.arbitrary()?))
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for Secret<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self::new(text(u)?))
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for Field<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self::new(text(u)?, text(u)?))
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for DeviceInfo<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self {
            dev_manu_fact: text(u)?,
            dev_model: text(u)?,
            dev_ip_addr: text(u)?,
            dev_id: u.arbitrary()?,
            dev_fw_ver: text(u)?,
            sa_id: text(u)?,
        })
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for CheckRequest<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut r = Self::new(u.arbitrary()?, u.arbitrary()?, u.arbitrary()?);
        r.extra = u.arbitrary()?;
        Ok(r)
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for Offer<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self {
            mcast_svr_addr: opt_text(u)?,
            mcast_svr_port: opt_text(u)?,
            dl_svr_url: text(u)?,
            dl_svr_id: opt_text(u)?,
            dl_svr_pwd: u.arbitrary()?,
            upgrade_mode: u.arbitrary()?,
            pkg_file_size: u.arbitrary()?,
            pkg_file_version: text(u)?,
            pkg_file_name: opt_text(u)?,
        })
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for CheckResponse<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let code = RetCode::from_code(u.arbitrary()?);
        let mut r = match code {
            RetCode::UpdateAvailable => Self::update(u.arbitrary()?),
            RetCode::NoUpdate => Self::no_update(),
            other => Self::failure(other).map_err(|_| arbitrary::Error::IncorrectFormat)?,
        };
        r.ret_message = opt_text(u)?;
        r.normal_period = u.arbitrary()?;
        r.error_period = u.arbitrary()?;
        r.extra = u.arbitrary()?;
        Ok(r)
    }
}

#[doc(hidden)]
impl<'a> Arbitrary<'a> for Report<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut r = Self::new(u.arbitrary()?, u.arbitrary()?, text(u)?, u.arbitrary()?);
        r.err_message = opt_text(u)?;
        r.extra = u.arbitrary()?;
        Ok(r)
    }
}
