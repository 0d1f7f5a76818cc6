//! The enumerated fields: `pkgId`, `reqType`, `upgradeMode`, `retCode` and the report's
//! `resultCode`.

use alloc::borrow::Cow;
use core::fmt;

/// `pkgId`: which package the STB asks about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PkgId<'a> {
    /// `Firmware` (phase 4).
    Firmware,
    /// `Application`: the service software (phase 5).
    Application,
    /// Any other value, kept as sent (a server answers it with retCode 204).
    Other(Cow<'a, str>),
}

impl<'a> PkgId<'a> {
    /// Classifies a value; the names are case-sensitive as in the standard.
    pub fn from_value(value: Cow<'a, str>) -> Self {
        match &*value {
            "Firmware" => Self::Firmware,
            "Application" => Self::Application,
            _ => Self::Other(value),
        }
    }

    /// The value as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Firmware => "Firmware",
            Self::Application => "Application",
            Self::Other(v) => v,
        }
    }

    /// Detaches the value from the input.
    pub fn into_owned(self) -> PkgId<'static> {
        match self {
            Self::Firmware => PkgId::Firmware,
            Self::Application => PkgId::Application,
            Self::Other(v) => PkgId::Other(Cow::Owned(v.into_owned())),
        }
    }
}

impl fmt::Display for PkgId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PkgId<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// Any other value, kept as sent. Build values with `from_code` so that a defined
            /// code never lands here.
            Other(u32),
        }

        impl $name {
            /// Classifies a code.
            pub const fn from_code(code: u32) -> Self {
                match code {
                    $( $code => Self::$variant, )*
                    other => Self::Other(other),
                }
            }

            /// The code as written on the wire.
            pub const fn code(self) -> u32 {
                match self {
                    $( Self::$variant => $code, )*
                    Self::Other(other) => other,
                }
            }
        }

        impl From<u32> for $name {
            fn from(code: u32) -> Self {
                Self::from_code(code)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.code())
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u32(self.code())
            }
        }

        /// A generator for fuzzing: any code, classified, so a defined code is never `Other`.
        #[cfg(feature = "arbitrary")]
        #[doc(hidden)]
        impl<'a> arbitrary::Arbitrary<'a> for $name {
            fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                Ok(Self::from_code(u.arbitrary()?))
            }
        }
    };
}

int_enum! {
    /// `reqType`: why the STB checks.
    ReqType {
        /// 1: a normal check.
        Normal = 1,
        /// 2: the STB runs its recovery image and asks for a full package.
        Recovery = 2,
    }
}

int_enum! {
    /// `upgradeMode`: may the user decline the update.
    UpgradeMode {
        /// 1: the user may decline (the STB then reports 15).
        Normal = 1,
        /// 2: forced, cannot be declined.
        Forced = 2,
    }
}

int_enum! {
    /// `retCode` of the check response.
    RetCode {
        /// 200: success, an update is available.
        UpdateAvailable = 200,
        /// 201: success, no update.
        NoUpdate = 201,
        /// 202: failure, a mandatory parameter is missing.
        MissingParameter = 202,
        /// 203: failure, wrong device or subscriber information.
        WrongDeviceInfo = 203,
        /// 204: failure, the pkgId is not recognised.
        UnknownPkgId = 204,
    }
}

impl RetCode {
    /// Whether the check failed (every code but 200 and 201).
    pub const fn is_failure(self) -> bool {
        !matches!(self.code(), 200 | 201)
    }

    /// What the code means.
    pub const fn description(self) -> &'static str {
        match self.code() {
            200 => "success, update available",
            201 => "success, no update",
            202 => "failure, mandatory parameter missing",
            203 => "failure, wrong device or subscriber information",
            204 => "failure, pkgId not recognised",
            _ => "unknown server error",
        }
    }
}

/// The group a result code belongs to, by its tens digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ResultGroup {
    /// 10-19: during the update check (only 15 is used).
    UpdateCheck,
    /// 20-29: unicast download failed.
    UnicastFailure,
    /// 30-39: multicast download failed.
    MulticastFailure,
    /// 40-49: download succeeded.
    DownloadSuccess,
    /// 80-89: burning (installing) failed.
    BurningFailure,
    /// 90-99: burning succeeded.
    BurningSuccess,
    /// 50-79 and anything outside 10-99: the standard assigns no group.
    Unassigned,
}

/// Whether the standard gives a result code a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Assignment {
    /// The code has a meaning ([`ResultCode::description`]).
    Defined,
    /// Listed as reserved (12, 16-19, 28-29, 32-34, 38-39, 43-49, 82-89, 92-99).
    Reserved,
    /// Listed as unused (10-11, 13-14, 30).
    Unused,
    /// Not in the standard's table at all.
    Unassigned,
}

/// `resultCode` of a result report: the outcome of a download or a burn.
///
/// Any integer is kept; [`ResultCode::group`] and [`ResultCode::assignment`] classify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResultCode(pub u32);

impl ResultCode {
    /// 15: the user cancelled a normal-mode upgrade.
    pub const USER_CANCELLED: Self = Self(15);
    /// 20: unicast file server authentication failed (HTTP 401, FTP 530).
    pub const UNICAST_AUTH_FAILED: Self = Self(20);
    /// 21: connection to the unicast file server failed.
    pub const UNICAST_CONNECT_FAILED: Self = Self(21);
    /// 22: timeout during the unicast download (connected, then timed out).
    pub const UNICAST_TIMEOUT: Self = Self(22);
    /// 23: file not found on the unicast file server (HTTP 404, FTP 550).
    pub const UNICAST_NOT_FOUND: Self = Self(23);
    /// 24: other unicast file server error.
    pub const UNICAST_SERVER_ERROR: Self = Self(24);
    /// 25: the downloaded file is for another manufacturer or model.
    pub const UNICAST_INFO_MISMATCH: Self = Self(25);
    /// 26: the downloaded file's version differs from `pkgFileVersion`.
    pub const UNICAST_VERSION_MISMATCH: Self = Self(26);
    /// 27: integrity error in the downloaded file (checksum, size, signature).
    pub const UNICAST_INTEGRITY_ERROR: Self = Self(27);
    /// 31: no multicast stream after the IGMP join.
    pub const MULTICAST_NO_STREAM: Self = Self(31);
    /// 35: the multicast stream is for another manufacturer or model.
    pub const MULTICAST_INFO_MISMATCH: Self = Self(35);
    /// 36: the multicast stream's version differs from `pkgFileVersion`.
    pub const MULTICAST_VERSION_MISMATCH: Self = Self(36);
    /// 37: integrity error in the multicast image.
    pub const MULTICAST_INTEGRITY_ERROR: Self = Self(37);
    /// 40: unicast download succeeded.
    pub const UNICAST_DOWNLOADED: Self = Self(40);
    /// 41: multicast download succeeded.
    pub const MULTICAST_DOWNLOADED: Self = Self(41);
    /// 42: download from USB memory succeeded.
    pub const USB_DOWNLOADED: Self = Self(42);
    /// 80: burning failed, normal request mode.
    pub const BURN_FAILED_NORMAL: Self = Self(80);
    /// 81: burning failed, recovery request mode.
    pub const BURN_FAILED_RECOVERY: Self = Self(81);
    /// 90: installed, normal request mode.
    pub const INSTALLED_NORMAL: Self = Self(90);
    /// 91: installed, recovery request mode.
    pub const INSTALLED_RECOVERY: Self = Self(91);

    /// The code as written on the wire.
    pub const fn code(self) -> u32 {
        self.0
    }

    /// The group of the code.
    pub const fn group(self) -> ResultGroup {
        match self.0 {
            10..=19 => ResultGroup::UpdateCheck,
            20..=29 => ResultGroup::UnicastFailure,
            30..=39 => ResultGroup::MulticastFailure,
            40..=49 => ResultGroup::DownloadSuccess,
            80..=89 => ResultGroup::BurningFailure,
            90..=99 => ResultGroup::BurningSuccess,
            _ => ResultGroup::Unassigned,
        }
    }

    /// Whether the standard defines, reserves or leaves the code unused.
    pub const fn assignment(self) -> Assignment {
        match self.0 {
            15 | 20..=27 | 31 | 35..=37 | 40..=42 | 80 | 81 | 90 | 91 => Assignment::Defined,
            12 | 16..=19 | 28 | 29 | 32..=34 | 38 | 39 | 43..=49 | 82..=89 | 92..=99 => {
                Assignment::Reserved
            }
            10 | 11 | 13 | 14 | 30 => Assignment::Unused,
            _ => Assignment::Unassigned,
        }
    }

    /// Whether the code reports a failure (user cancel, download or burning failure).
    pub const fn is_failure(self) -> bool {
        matches!(self.0, 15 | 20..=39 | 80..=89)
    }

    /// What the code means (`reserved`, `unused` or `unassigned` for codes without meaning).
    pub const fn description(self) -> &'static str {
        match self.0 {
            15 => "user cancelled the upgrade",
            20 => "unicast: file server authentication failed",
            21 => "unicast: connection to file server failed",
            22 => "unicast: timeout during download",
            23 => "unicast: file not found",
            24 => "unicast: other file server error",
            25 => "unicast: file info mismatch (manufacturer, model)",
            26 => "unicast: file info mismatch (version differs from pkgFileVersion)",
            27 => "unicast: integrity error",
            31 => "multicast: no stream after IGMP join",
            35 => "multicast: stream info mismatch (manufacturer, model)",
            36 => "multicast: stream info mismatch (version differs from pkgFileVersion)",
            37 => "multicast: integrity error",
            40 => "unicast download succeeded",
            41 => "multicast download succeeded",
            42 => "download from USB memory succeeded",
            80 => "burning failed, normal request mode",
            81 => "burning failed, recovery request mode",
            90 => "installed, normal request mode",
            91 => "installed, recovery request mode",
            _ => match self.assignment() {
                Assignment::Reserved => "reserved",
                Assignment::Unused => "unused",
                _ => "unassigned",
            },
        }
    }
}

impl From<u32> for ResultCode {
    fn from(code: u32) -> Self {
        Self(code)
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ResultCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ret_codes() {
        let table = [
            (200, RetCode::UpdateAvailable, false),
            (201, RetCode::NoUpdate, false),
            (202, RetCode::MissingParameter, true),
            (203, RetCode::WrongDeviceInfo, true),
            (204, RetCode::UnknownPkgId, true),
            (205, RetCode::Other(205), true),
            (500, RetCode::Other(500), true),
            (0, RetCode::Other(0), true),
        ];
        for (code, want, failure) in table {
            let got = RetCode::from_code(code);
            assert_eq!(got, want);
            assert_eq!(got.code(), code);
            assert_eq!(got.is_failure(), failure);
        }
        assert_eq!(RetCode::Other(500).description(), "unknown server error");
    }

    #[test]
    fn small_enums() {
        assert_eq!(ReqType::from_code(1), ReqType::Normal);
        assert_eq!(ReqType::from_code(2), ReqType::Recovery);
        assert_eq!(ReqType::from_code(3), ReqType::Other(3));
        assert_eq!(UpgradeMode::from_code(1), UpgradeMode::Normal);
        assert_eq!(UpgradeMode::from_code(2), UpgradeMode::Forced);
        assert_eq!(UpgradeMode::from_code(0), UpgradeMode::Other(0));
        assert_eq!(PkgId::from_value("Firmware".into()), PkgId::Firmware);
        assert_eq!(PkgId::from_value("Application".into()), PkgId::Application);
        assert_eq!(
            PkgId::from_value("firmware".into()),
            PkgId::Other("firmware".into())
        );
    }

    #[test]
    fn every_result_code() {
        use Assignment::{Defined, Reserved, Unused};
        use ResultGroup::{
            BurningFailure, BurningSuccess, DownloadSuccess, MulticastFailure, UnicastFailure,
            UpdateCheck,
        };
        for code in 0..=120u32 {
            let rc = ResultCode(code);
            let (group, assignment) = (rc.group(), rc.assignment());
            let want_group = match code {
                10..=19 => UpdateCheck,
                20..=29 => UnicastFailure,
                30..=39 => MulticastFailure,
                40..=49 => DownloadSuccess,
                80..=89 => BurningFailure,
                90..=99 => BurningSuccess,
                _ => ResultGroup::Unassigned,
            };
            assert_eq!(group, want_group, "{code}");
            let want = match code {
                10 | 11 | 13 | 14 | 30 => Unused,
                12 | 16..=19 | 28 | 29 | 32..=34 | 38 | 39 | 43..=49 | 82..=89 | 92..=99 => {
                    Reserved
                }
                15 | 20..=27 | 31 | 35..=37 | 40..=42 | 80 | 81 | 90 | 91 => Defined,
                _ => Assignment::Unassigned,
            };
            assert_eq!(assignment, want, "{code}");
            let desc = rc.description();
            match assignment {
                Defined => assert!(
                    !matches!(desc, "reserved" | "unused" | "unassigned"),
                    "{code}"
                ),
                Reserved => assert_eq!(desc, "reserved"),
                Unused => assert_eq!(desc, "unused"),
                _ => assert_eq!(desc, "unassigned"),
            }
        }
        let failures = [15, 20, 21, 22, 23, 24, 25, 26, 27, 31, 35, 36, 37, 80, 81];
        for code in failures {
            assert!(ResultCode(code).is_failure(), "{code}");
        }
        for code in [40, 41, 42, 90, 91] {
            assert!(!ResultCode(code).is_failure(), "{code}");
        }
    }
}
