//! Validated TR-106 parameter paths under the two roots of the standard.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use crate::error::{ErrorKind, Limit, Location, ParseError, excerpt};
use crate::limits::{Parsed, ReadOptions};

/// The data-model root a path starts with; an STB uses one, a server must take both
/// (spec section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Root {
    /// `Device.` (TR-106 / TR-181).
    Device,
    /// `InternetGatewayDevice.` (TR-098).
    InternetGatewayDevice,
}

impl Root {
    /// Both roots.
    pub const ALL: [Root; 2] = [Root::Device, Root::InternetGatewayDevice];

    /// The root's name, without the dot.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Device => "Device",
            Self::InternetGatewayDevice => "InternetGatewayDevice",
        }
    }

    /// The root with its dot, as every path under it starts.
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Device => "Device.",
            Self::InternetGatewayDevice => "InternetGatewayDevice.",
        }
    }

    /// The root `name` starts with, and the rest of `name` after the root's dot.
    pub fn split(name: &str) -> Option<(Root, &str)> {
        if let Some(rest) = name.strip_prefix("Device.") {
            Some((Root::Device, rest))
        } else {
            name.strip_prefix("InternetGatewayDevice.")
                .map(|rest| (Root::InternetGatewayDevice, rest))
        }
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One segment of a [`Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment<'a> {
    /// An object or parameter name, e.g. `DeviceInfo`.
    Name(&'a str),
    /// An instance number (from 1).
    Instance(u32),
    /// A vendor extension `X_<VENDOR>_<Name>`, e.g. `X_TTA_DeviceID`.
    Vendor {
        /// The vendor part (an OUI or a name), e.g. `TTA`.
        vendor: &'a str,
        /// The name after it, e.g. `DeviceID`.
        name: &'a str,
        /// The segment as written.
        text: &'a str,
    },
}

impl<'a> Segment<'a> {
    /// Reads one segment of a path already validated.
    fn of(text: &'a str) -> Self {
        if text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Segment::Instance(text.parse().unwrap_or(0));
        }
        if let Some(rest) = text.strip_prefix("X_")
            && let Some((vendor, name)) = rest.split_once('_')
        {
            return Segment::Vendor { vendor, name, text };
        }
        Segment::Name(text)
    }
}

impl fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(n) => f.write_str(n),
            Self::Instance(i) => write!(f, "{i}"),
            Self::Vendor { text, .. } => f.write_str(text),
        }
    }
}

/// A parameter (`Device.DeviceInfo.SoftwareVersion`) or partial (object) path
/// (`Device.DeviceInfo.`, with its trailing dot), validated against TR-106's naming rules
/// under one of the two [`Root`]s.
///
/// Borrowed from the input; [`Path::into_owned`] gives the owned twin, [`OwnedPath`].
///
/// ```
/// use tta_datamodel::{Path, Root, Segment};
///
/// let p = Path::parse("Device.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_DeviceID")?;
/// assert_eq!(p.root(), Root::Device);
/// assert!(!p.is_partial());
/// assert_eq!(p.segments().nth(2), Some(Segment::Instance(1)));
/// let mapped = p.to_root(Root::InternetGatewayDevice).unwrap();
/// assert!(mapped.as_str().starts_with("InternetGatewayDevice.Services."));
///
/// let err = Path::parse("Device.LAN..IPAddress").unwrap_err();
/// assert_eq!(err.to_string(), "empty segment at byte 11 (segment 2 \"\")");
/// # Ok::<(), tta_datamodel::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path<'a> {
    text: Cow<'a, str>,
    root: Root,
}

/// A [`Path`] that owns its text.
pub type OwnedPath = Path<'static>;

fn name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn check_name(seg: &str) -> Result<(), (ErrorKind, usize)> {
    let bytes = seg.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        _ => return Err((ErrorKind::BadNameStart, 0)),
    }
    check_chars(seg, 0)
}

fn check_chars(text: &str, base: usize) -> Result<(), (ErrorKind, usize)> {
    for (i, c) in text.char_indices() {
        if !(c.is_ascii() && name_char(c as u8)) {
            return Err((ErrorKind::BadCharacter(c), base + i));
        }
    }
    Ok(())
}

fn check_segment(
    seg: &str,
    index: usize,
    previous_instance: bool,
) -> Result<(), (ErrorKind, usize)> {
    let bytes = seg.as_bytes();
    match bytes.first() {
        None => Err((ErrorKind::EmptySegment, 0)),
        Some(b'0'..=b'9') => {
            if index == 1 || previous_instance {
                return Err((ErrorKind::MisplacedInstance, 0));
            }
            if let Some(i) = bytes.iter().position(|b| !b.is_ascii_digit()) {
                let c = seg.get(i..).and_then(|s| s.chars().next()).unwrap_or('?');
                return Err((ErrorKind::BadCharacter(c), i));
            }
            if bytes.len() > 1 && bytes[0] == b'0' {
                return Err((ErrorKind::InstanceLeadingZero, 0));
            }
            match seg.parse::<u32>() {
                Ok(0) => Err((ErrorKind::InstanceZero, 0)),
                Ok(_) => Ok(()),
                Err(_) => Err((ErrorKind::InstanceTooLarge, 0)),
            }
        }
        _ => {
            if let Some(rest) = seg.strip_prefix("X_") {
                let Some((vendor, name)) = rest.split_once('_') else {
                    return Err((ErrorKind::BadVendorSegment, 0));
                };
                if vendor.is_empty() || name.is_empty() {
                    return Err((ErrorKind::BadVendorSegment, 0));
                }
                check_chars(vendor, 2)?;
                // The name after the vendor part may start with a digit (`X_TTA_3D`)? TR-106
                // asks for a name, so the name rules apply to the whole segment, which starts
                // with `X`.
                return check_chars(name, 3 + vendor.len());
            }
            check_name(seg)
        }
    }
}

impl<'a> Path<'a> {
    /// Reads and validates a path with the default limits.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the segment and why: an unknown root, an empty segment, a
    /// character TR-106 does not allow, an instance number of 0 or with a leading zero, a
    /// vendor segment that is not `X_<VENDOR>_<Name>`, or a limit.
    pub fn parse(input: &'a str) -> Result<Self, ParseError> {
        Self::parse_with(input, &ReadOptions::lenient()).map(|p| p.value)
    }

    /// Reads and validates a path with these options (paths have no tolerances, so the
    /// warnings are always empty).
    ///
    /// # Errors
    ///
    /// As [`Path::parse`].
    pub fn parse_with(input: &'a str, options: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        let limits = &options.limits;
        if input.len() > limits.max_input_bytes {
            return Err(ParseError::new(
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max: limits.max_input_bytes,
                },
                limits.max_input_bytes,
                Location::Path,
            ));
        }
        if input.is_empty() {
            return Err(ParseError::new(ErrorKind::Empty, 0, Location::Path));
        }
        // The grammar in nom decides; the checks only explain a refusal (the kind, the offset
        // and the segment), so an accepted path pays for nothing more. The two must agree:
        // debug builds (tests, and the `tta_path` fuzz target) check it on every path.
        let accepted = grammar::accept(input).filter(|&(_, n)| n <= limits.max_segments);
        debug_assert_eq!(
            accepted.map(|(root, _)| root),
            explain(input, limits).ok(),
            "the path grammar and its checks disagree on {input:?}"
        );
        let root = match accepted {
            Some((root, _)) => root,
            None => explain(input, limits)?,
        };
        Ok(Parsed {
            value: Path {
                text: Cow::Borrowed(input),
                root,
            },
            warnings: alloc::vec::Vec::new(),
            dropped_warnings: 0,
        })
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its root.
    pub fn root(&self) -> Root {
        self.root
    }

    /// Whether it is a partial (object) path, written with a trailing dot.
    pub fn is_partial(&self) -> bool {
        self.text.ends_with('.')
    }

    /// The segments after the root, in order (the trailing dot of a partial path adds none).
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> + '_ {
        let body = self.text.strip_suffix('.').unwrap_or(&self.text);
        body.split('.').skip(1).map(Segment::of)
    }

    /// The text after the root's dot.
    pub fn relative(&self) -> &str {
        self.text
            .get(self.root.prefix().len()..)
            .unwrap_or_default()
    }

    /// The last segment's text (the parameter's name), or the object's for a partial path.
    pub fn last(&self) -> &str {
        let body = self.text.strip_suffix('.').unwrap_or(&self.text);
        body.rsplit('.').next().unwrap_or_default()
    }

    /// Detaches the path from the input.
    pub fn into_owned(self) -> Path<'static> {
        Path {
            text: Cow::Owned(self.text.into_owned()),
            root: self.root,
        }
    }

    /// The same parameter or object under `root`, where the standard maps them (spec
    /// section 4.1): the TTA subtrees and `DeviceInfo`, `ManagementServer` and the rest keep
    /// their relative path; the address parameters move between
    /// `InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.`
    /// (`ExternalIPAddress`, `AddressingType`, `MACAddress`) and `Device.LAN.` (`IPAddress`,
    /// `AddressingType`, `MACAddress`).
    ///
    /// `None` where there is no counterpart: other parameters of those two objects, other
    /// WAN instances, `DeviceInfo.SpecVersion`, which the `Device` root does not have, and
    /// paths that would map back to another path (`InternetGatewayDevice.LAN.`,
    /// `Device.WANDevice.`), so that mapping there and back always gives the path again; and
    /// a path whose image [`Path::parse`] would refuse (`InternetGatewayDevice.` is longer
    /// than `Device.`, so a path near the default size limit has no image within it).
    pub fn to_root(&self, root: Root) -> Option<Path<'static>> {
        if root == self.root {
            return Some(self.clone().into_owned());
        }
        let rel = self.relative();
        let mapped: String = match self.root {
            Root::InternetGatewayDevice => {
                if let Some(rest) = rel.strip_prefix(WAN_IP) {
                    let name = match rest {
                        "" => "",
                        "ExternalIPAddress" => "IPAddress",
                        "AddressingType" => "AddressingType",
                        "MACAddress" => "MACAddress",
                        _ => return None,
                    };
                    alloc::format!("Device.LAN.{name}")
                } else if rel.starts_with("WANDevice.")
                    || rel.starts_with("LAN.")
                    || rel == "DeviceInfo.SpecVersion"
                {
                    // No counterpart, or one that would map back elsewhere (`LAN.` is the
                    // image of the WAN connection).
                    return None;
                } else {
                    alloc::format!("Device.{rel}")
                }
            }
            Root::Device => {
                if let Some(rest) = rel.strip_prefix("LAN.") {
                    let name = match rest {
                        "" => "",
                        "IPAddress" => "ExternalIPAddress",
                        "AddressingType" => "AddressingType",
                        "MACAddress" => "MACAddress",
                        _ => return None,
                    };
                    alloc::format!("InternetGatewayDevice.{WAN_IP}{name}")
                } else if rel.starts_with("WANDevice.") || rel == "DeviceInfo.SpecVersion" {
                    return None;
                } else {
                    alloc::format!("InternetGatewayDevice.{rel}")
                }
            }
        };
        if mapped.len() > crate::Limits::default().max_input_bytes {
            return None;
        }
        Some(Path {
            text: Cow::Owned(mapped),
            root,
        })
    }
}

const WAN_IP: &str = "WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.";

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({:?})", &*self.text)
    }
}

impl AsRef<str> for Path<'_> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Path<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn valid_paths() {
        for p in [
            "Device.",
            "Device.DeviceInfo.SoftwareVersion",
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.",
            "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPId",
            "Device.X_00D09E_Foo.Bar-baz",
            "Device._private",
            "Device.Obj.4294967295.Name",
        ] {
            assert!(Path::parse(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn invalid_paths_name_the_segment() {
        let cases: &[(&str, &str)] = &[
            ("", "empty path at byte 0 (path)"),
            (
                "Foo.Bar",
                "unknown root (expected `Device` or `InternetGatewayDevice`) at byte 0 (segment 0 \"Foo\")",
            ),
            (".Device", "empty segment at byte 0 (segment 0 \"\")"),
            ("Device.LAN..X", "empty segment at byte 11 (segment 2 \"\")"),
            (
                "Device.Obj.01.X",
                "instance number with a leading zero at byte 11 (segment 2 \"01\")",
            ),
            (
                "Device.Obj.0.X",
                "instance number 0 at byte 11 (segment 2 \"0\")",
            ),
            (
                "Device.Obj.4294967296",
                "instance number too large at byte 11 (segment 2 \"4294967296\")",
            ),
            (
                "Device.1.X",
                "instance number where an object name is expected at byte 7 (segment 1 \"1\")",
            ),
            (
                "Device.A.1.2",
                "instance number where an object name is expected at byte 11 (segment 3 \"2\")",
            ),
            (
                "Device.X_TTA",
                "vendor segment is not X_<VENDOR>_<Name> at byte 7 (segment 1 \"X_TTA\")",
            ),
            (
                "Device.X__Foo",
                "vendor segment is not X_<VENDOR>_<Name> at byte 7 (segment 1 \"X__Foo\")",
            ),
            (
                "Device.Dev Info",
                "character ' ' not allowed in a name at byte 10 (segment 1 \"Dev Info\")",
            ),
            (
                "Device.3a",
                "instance number where an object name is expected at byte 7 (segment 1 \"3a\")",
            ),
            (
                "Device.A.3a",
                "character 'a' not allowed in a name at byte 10 (segment 2 \"3a\")",
            ),
            (
                "Device",
                "root without a trailing dot at byte 6 (segment 0 \"Device\")",
            ),
            (
                "Device.A.\n",
                "name does not start with a letter or `_` at byte 9 (segment 2 \"\\n\")",
            ),
        ];
        for (input, msg) in cases {
            assert_eq!(
                Path::parse(input).unwrap_err().to_string(),
                *msg,
                "{input:?}"
            );
        }
    }

    #[test]
    fn limits() {
        let long = alloc::format!("Device.{}", "A".repeat(2000));
        let e = Path::parse(&long).unwrap_err();
        assert_eq!(
            e.to_string(),
            "limit exceeded: max_input_bytes is 1024 at byte 1024 (path)"
        );
        let deep = alloc::format!("Device{}", ".A".repeat(64));
        let e = Path::parse(&deep).unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::LimitExceeded {
                limit: Limit::Segments,
                max: 64
            }
        );
    }

    #[test]
    fn segments_and_mapping() {
        let p = Path::parse("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.ExternalIPAddress").unwrap();
        let d = p.to_root(Root::Device).unwrap();
        assert_eq!(d.as_str(), "Device.LAN.IPAddress");
        assert_eq!(
            d.to_root(Root::InternetGatewayDevice).unwrap(),
            p.clone().into_owned()
        );
        assert_eq!(p.last(), "ExternalIPAddress");
        let v = Path::parse("Device.A.X_TTA_SPServer.").unwrap();
        assert!(v.is_partial());
        assert_eq!(
            v.segments().last(),
            Some(Segment::Vendor {
                vendor: "TTA",
                name: "SPServer",
                text: "X_TTA_SPServer"
            })
        );
        assert!(
            Path::parse("InternetGatewayDevice.DeviceInfo.SpecVersion")
                .unwrap()
                .to_root(Root::Device)
                .is_none()
        );
        assert!(
            Path::parse("Device.LAN.SubnetMask")
                .unwrap()
                .to_root(Root::InternetGatewayDevice)
                .is_none()
        );
        assert!(
            Path::parse("InternetGatewayDevice.WANDevice.2.")
                .unwrap()
                .to_root(Root::Device)
                .is_none()
        );
    }
}

/// Why `input` (non-empty, within the size limit) is not a path: the checks behind every
/// diagnostic of [`ParseError`]. Returns the root when they find nothing wrong, which happens
/// only when the grammar accepted too.
fn explain(input: &str, limits: &crate::Limits) -> Result<Root, ParseError> {
    let body = input.strip_suffix('.').unwrap_or(input);
    let mut root = Root::Device;
    let mut offset = 0;
    let mut previous_instance = false;
    for (index, seg) in body.split('.').enumerate() {
        let fail = |(kind, at): (ErrorKind, usize)| {
            ParseError::new(
                kind,
                offset + at,
                Location::Segment {
                    index,
                    text: excerpt(seg),
                },
            )
        };
        if index >= limits.max_segments {
            return Err(fail((
                ErrorKind::LimitExceeded {
                    limit: Limit::Segments,
                    max: limits.max_segments,
                },
                0,
            )));
        }
        if index == 0 {
            root = match seg {
                "Device" => Root::Device,
                "InternetGatewayDevice" => Root::InternetGatewayDevice,
                "" => return Err(fail((ErrorKind::EmptySegment, 0))),
                _ => return Err(fail((ErrorKind::UnknownRoot, 0))),
            };
        } else {
            check_segment(seg, index, previous_instance).map_err(fail)?;
            previous_instance = seg.as_bytes()[0].is_ascii_digit();
        }
        offset += seg.len() + 1;
    }
    if body.len() == root.as_str().len() && body.len() == input.len() {
        return Err(ParseError::new(
            ErrorKind::RootWithoutDot,
            input.len(),
            Location::Segment {
                index: 0,
                text: excerpt(input),
            },
        ));
    }
    Ok(root)
}

/// TR-106 paths in nom: the grammar that decides what [`Path::parse`] accepts.
mod grammar {
    use nom::branch::alt;
    use nom::bytes::complete::{tag, take_while, take_while1};
    use nom::character::complete::{char, satisfy};
    use nom::combinator::{cut, eof, map, map_res, opt, recognize, rest_len, value};
    use nom::multi::fold_many0;
    use nom::sequence::{pair, preceded};
    use nom::{IResult, Parser};

    use super::Root;

    fn name_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }

    fn root(i: &str) -> IResult<&str, Root> {
        alt((
            value(Root::InternetGatewayDevice, tag("InternetGatewayDevice")),
            value(Root::Device, tag("Device")),
        ))
        .parse(i)
    }

    /// An instance number: 1 to 2^32 - 1, no leading zero.
    fn instance(i: &str) -> IResult<&str, u32> {
        map_res(
            recognize(pair(
                satisfy(|c| c.is_ascii_digit() && c != '0'),
                take_while(|c: char| c.is_ascii_digit()),
            )),
            str::parse,
        )
        .parse(i)
    }

    /// `X_<VENDOR>_<Name>`.
    fn vendor(i: &str) -> IResult<&str, &str> {
        recognize(preceded(
            tag("X_"),
            cut((
                take_while1(|c| name_char(c) && c != '_'),
                char('_'),
                take_while1(name_char),
            )),
        ))
        .parse(i)
    }

    fn name(i: &str) -> IResult<&str, &str> {
        recognize(pair(
            satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
            take_while(name_char),
        ))
        .parse(i)
    }

    /// One segment; whether it is an instance number.
    fn segment(i: &str) -> IResult<&str, bool> {
        alt((
            map(instance, |_| true),
            value(false, vendor),
            value(false, name),
        ))
        .parse(i)
    }

    /// The root and the number of segments (the root's included), when `input` is a path:
    /// the root, then `.segment`s (an instance number never right after the root or another
    /// instance), then an optional trailing dot; the root alone needs its dot.
    pub(super) fn accept(input: &str) -> Option<(Root, usize)> {
        // (segments, whether the last was an instance, a misplaced instance seen)
        let segments = fold_many0(
            preceded(char('.'), (rest_len, segment)),
            || (0usize, true, false),
            |(n, previous_instance, bad): (usize, bool, bool), (_, instance)| {
                (n + 1, instance, bad || (instance && previous_instance))
            },
        );
        let (_, (root, (n, _, bad), dot, _)) =
            (root, segments, opt(char('.')), eof).parse(input).ok()?;
        (!bad && (n > 0 || dot.is_some())).then_some((root, n + 1))
    }
}
