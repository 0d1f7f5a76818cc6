//! The SOAP envelope, its body, and messages of several envelopes.

use std::borrow::Cow;

use crate::error::{ErrorKind, ParseError, WarningKind};
use crate::fault::Fault;
use crate::header::Header;
use crate::read::{Elem, FromXml, Ns, Parsed, Parser, ReadOptions};
use crate::rpc::IntoOwned;
use crate::rpc::acs::*;
use crate::rpc::cpe::*;
use crate::write::{ToXml, WriteOptions, XmlWriter};

/// The cwmp namespace URIs by minor version; `-1-3` and `-1-4` are defined by no schema but
/// sent by deployed CPEs.
pub(crate) const CWMP_NAMESPACES: [&str; 5] = [
    "urn:dslforum-org:cwmp-1-0",
    "urn:dslforum-org:cwmp-1-1",
    "urn:dslforum-org:cwmp-1-2",
    "urn:dslforum-org:cwmp-1-3",
    "urn:dslforum-org:cwmp-1-4",
];

/// A CWMP protocol version.
///
/// CWMP 1.2, 1.3 and 1.4 share the namespace `urn:dslforum-org:cwmp-1-2`; the reader tells
/// them apart by the headers 1.3 (`SessionTimeout`) and 1.4 (`SupportedCWMPVersions`,
/// `UseCWMPVersion`) introduced, or by the `-1-3`/`-1-4` URIs some CPEs send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum CwmpVersion {
    /// CWMP 1.0 (TR-069 Amendment 1).
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "1.0"))]
    V1_0,
    /// CWMP 1.1 (Amendment 2).
    #[cfg_attr(feature = "serde", serde(rename = "1.1"))]
    V1_1,
    /// CWMP 1.2 (Amendment 3).
    #[cfg_attr(feature = "serde", serde(rename = "1.2"))]
    V1_2,
    /// CWMP 1.3 (Amendment 4).
    #[cfg_attr(feature = "serde", serde(rename = "1.3"))]
    V1_3,
    /// CWMP 1.4 (Amendments 5 and 6).
    #[cfg_attr(feature = "serde", serde(rename = "1.4"))]
    V1_4,
}

impl CwmpVersion {
    /// The namespace URI the schemas define for this version (1.2-1.4 share `cwmp-1-2`).
    #[must_use]
    pub fn namespace(self) -> &'static str {
        match self {
            Self::V1_0 => CWMP_NAMESPACES[0],
            Self::V1_1 => CWMP_NAMESPACES[1],
            Self::V1_2 | Self::V1_3 | Self::V1_4 => CWMP_NAMESPACES[2],
        }
    }

    /// The version a reader detects from a namespace minor number and the header.
    #[must_use]
    pub(crate) fn detect(minor: u8, header: &Header<'_>) -> Self {
        match minor {
            0 => Self::V1_0,
            1 => Self::V1_1,
            3 => Self::V1_3,
            4 => Self::V1_4,
            _ if header.supported_cwmp_versions.is_some() || header.use_cwmp_version.is_some() => {
                Self::V1_4
            }
            _ if header.session_timeout.is_some() => Self::V1_3,
            _ => Self::V1_2,
        }
    }

    /// `1.0` .. `1.4`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_0 => "1.0",
            Self::V1_1 => "1.1",
            Self::V1_2 => "1.2",
            Self::V1_3 => "1.3",
            Self::V1_4 => "1.4",
        }
    }
}

/// An RPC the codec does not know (a vendor method, or a method of a later CWMP), kept raw so
/// an ACS can answer 8000 or a CPE 9000 (Method not supported) naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnknownMethod<'a> {
    /// Local name, e.g. `X_00D09E_Reset`.
    pub name: Cow<'a, str>,
    /// Namespace URI (empty for none).
    pub namespace: Cow<'a, str>,
    /// The element as received, with the declarations from outside it that it uses. Its
    /// `Debug` and serde forms hide every value: see [`RawXml`](crate::RawXml) on credentials.
    pub raw: crate::RawXml<'a>,
}

impl<'a> UnknownMethod<'a> {
    /// An unknown method from its XML: one well-formed element that declares every prefix it
    /// uses but those of the canonical envelope (see [`RawXml::parse`](crate::RawXml::parse));
    /// its namespace and name are read from it.
    ///
    /// ```
    /// use cwmp_codec::{Body, CwmpVersion, Envelope, UnknownMethod};
    /// let m = UnknownMethod::parse(r#"<v:X_Reset xmlns:v="urn:vendor"><Mode>hard</Mode></v:X_Reset>"#)?;
    /// assert_eq!(m.name, "X_Reset");
    /// let env = Envelope::new(CwmpVersion::V1_0, "1", Body::Unknown(m));
    /// assert_eq!(Envelope::parse(&env.to_vec())?, env);
    /// # Ok::<(), cwmp_codec::ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the byte offset in `xml` and the element path.
    pub fn parse(xml: &'a str) -> Result<Self, ParseError> {
        let s = crate::raw::Standalone::read(xml)?;
        Ok(Self {
            name: Cow::Borrowed(s.local),
            namespace: Cow::Borrowed(s.namespace),
            raw: s.raw,
        })
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> UnknownMethod<'static> {
        UnknownMethod {
            name: IntoOwned::into_owned(self.name),
            namespace: IntoOwned::into_owned(self.namespace),
            raw: self.raw.into_owned(),
        }
    }
}

macro_rules! bodies {
    ($( $var:ident($ty:ty) = $wire:literal, )*) => {
        /// The body of an envelope: one RPC request or response, a fault, or an unknown method.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[non_exhaustive]
        pub enum Body<'a> {
            $(
                #[doc = concat!("`", $wire, "`")]
                #[cfg_attr(feature = "serde", serde(rename = $wire))]
                $var($ty),
            )*
            /// A SOAP fault.
            Fault(Fault<'a>),
            /// A method the codec does not know.
            Unknown(UnknownMethod<'a>),
        }

        impl<'a> Body<'a> {
            /// Every method name the codec knows, as written on the wire.
            pub const KNOWN_METHODS: &'static [&'static str] = &[$($wire),*];

            /// The element name of the body: the method name, `Fault`, or the unknown name.
            #[must_use]
            pub fn method_name(&self) -> &str {
                match self {
                    $( Self::$var(_) => $wire, )*
                    Self::Fault(_) => "Fault",
                    Self::Unknown(m) => &m.name,
                }
            }

            /// Reads the known method `elem`; gives `elem` back when the method is unknown.
            fn read_method(
                p: &mut Parser<'a>,
                elem: Elem<'a>,
            ) -> Result<Result<Self, Elem<'a>>, ParseError> {
                Ok(Ok(match elem.local {
                    $( $wire => Self::$var(FromXml::from_xml(p, elem)?), )*
                    _ => return Ok(Err(elem)),
                }))
            }

            fn write(&self, w: &mut XmlWriter<'_>) {
                match self {
                    $( Self::$var(v) => v.to_xml(w, concat!("cwmp:", $wire)), )*
                    Self::Fault(f) => f.to_xml(w, "SOAP-ENV:Fault"),
                    Self::Unknown(m) => crate::header::write_raw_element(w, &m.raw),
                }
            }

            /// Converts any borrowed text into owned data.
            #[must_use]
            pub fn into_owned(self) -> Body<'static> {
                match self {
                    $( Self::$var(v) => Body::$var(IntoOwned::into_owned(v)), )*
                    Self::Fault(f) => Body::Fault(f.into_owned()),
                    Self::Unknown(m) => Body::Unknown(m.into_owned()),
                }
            }

            /// How many body kinds [`Body::arbitrary_of_kind`] can generate.
            #[cfg(feature = "arbitrary")]
            #[doc(hidden)]
            pub const KINDS: usize = Self::KNOWN_METHODS.len() + 1;

            /// A body of kind `kind` (an index into [`Body::KNOWN_METHODS`], or `Fault` for
            /// the last index), for tests that must cover every body type.
            ///
            /// # Errors
            ///
            /// When `u` runs out of data in a way `arbitrary` cannot paper over.
            #[cfg(feature = "arbitrary")]
            #[doc(hidden)]
            pub fn arbitrary_of_kind(
                kind: usize,
                u: &mut arbitrary::Unstructured<'a>,
            ) -> arbitrary::Result<Self> {
                let mut i = 0usize;
                $(
                    if i == kind {
                        return Ok(Self::$var(crate::arb::Arb::arb(u)?));
                    }
                    i += 1;
                )*
                let _ = i;
                Ok(Self::Fault(crate::arb::Arb::arb(u)?))
            }
        }
    };
}

bodies! {
    GetRpcMethods(GetRpcMethods) = "GetRPCMethods",
    GetRpcMethodsResponse(GetRpcMethodsResponse<'a>) = "GetRPCMethodsResponse",
    SetParameterValues(SetParameterValues<'a>) = "SetParameterValues",
    SetParameterValuesResponse(SetParameterValuesResponse) = "SetParameterValuesResponse",
    GetParameterValues(GetParameterValues<'a>) = "GetParameterValues",
    GetParameterValuesResponse(GetParameterValuesResponse<'a>) = "GetParameterValuesResponse",
    GetParameterNames(GetParameterNames<'a>) = "GetParameterNames",
    GetParameterNamesResponse(GetParameterNamesResponse<'a>) = "GetParameterNamesResponse",
    SetParameterAttributes(SetParameterAttributes<'a>) = "SetParameterAttributes",
    SetParameterAttributesResponse(SetParameterAttributesResponse) = "SetParameterAttributesResponse",
    GetParameterAttributes(GetParameterAttributes<'a>) = "GetParameterAttributes",
    GetParameterAttributesResponse(GetParameterAttributesResponse<'a>) = "GetParameterAttributesResponse",
    AddObject(AddObject<'a>) = "AddObject",
    AddObjectResponse(AddObjectResponse) = "AddObjectResponse",
    DeleteObject(DeleteObject<'a>) = "DeleteObject",
    DeleteObjectResponse(DeleteObjectResponse) = "DeleteObjectResponse",
    Download(Download<'a>) = "Download",
    DownloadResponse(DownloadResponse<'a>) = "DownloadResponse",
    Reboot(Reboot<'a>) = "Reboot",
    RebootResponse(RebootResponse) = "RebootResponse",
    GetQueuedTransfers(GetQueuedTransfers) = "GetQueuedTransfers",
    GetQueuedTransfersResponse(GetQueuedTransfersResponse<'a>) = "GetQueuedTransfersResponse",
    ScheduleInform(ScheduleInform<'a>) = "ScheduleInform",
    ScheduleInformResponse(ScheduleInformResponse) = "ScheduleInformResponse",
    SetVouchers(SetVouchers<'a>) = "SetVouchers",
    SetVouchersResponse(SetVouchersResponse) = "SetVouchersResponse",
    GetOptions(GetOptions<'a>) = "GetOptions",
    GetOptionsResponse(GetOptionsResponse<'a>) = "GetOptionsResponse",
    Upload(Upload<'a>) = "Upload",
    UploadResponse(UploadResponse<'a>) = "UploadResponse",
    FactoryReset(FactoryReset) = "FactoryReset",
    FactoryResetResponse(FactoryResetResponse) = "FactoryResetResponse",
    GetAllQueuedTransfers(GetAllQueuedTransfers) = "GetAllQueuedTransfers",
    GetAllQueuedTransfersResponse(GetAllQueuedTransfersResponse<'a>) = "GetAllQueuedTransfersResponse",
    ScheduleDownload(ScheduleDownload<'a>) = "ScheduleDownload",
    ScheduleDownloadResponse(ScheduleDownloadResponse) = "ScheduleDownloadResponse",
    CancelTransfer(CancelTransfer<'a>) = "CancelTransfer",
    CancelTransferResponse(CancelTransferResponse) = "CancelTransferResponse",
    ChangeDuState(ChangeDuState<'a>) = "ChangeDUState",
    ChangeDuStateResponse(ChangeDuStateResponse) = "ChangeDUStateResponse",
    Inform(Inform<'a>) = "Inform",
    InformResponse(InformResponse) = "InformResponse",
    TransferComplete(TransferComplete<'a>) = "TransferComplete",
    TransferCompleteResponse(TransferCompleteResponse) = "TransferCompleteResponse",
    AutonomousTransferComplete(AutonomousTransferComplete<'a>) = "AutonomousTransferComplete",
    AutonomousTransferCompleteResponse(AutonomousTransferCompleteResponse) = "AutonomousTransferCompleteResponse",
    DuStateChangeComplete(DuStateChangeComplete<'a>) = "DUStateChangeComplete",
    DuStateChangeCompleteResponse(DuStateChangeCompleteResponse) = "DUStateChangeCompleteResponse",
    AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete<'a>) = "AutonomousDUStateChangeComplete",
    AutonomousDuStateChangeCompleteResponse(AutonomousDuStateChangeCompleteResponse) = "AutonomousDUStateChangeCompleteResponse",
    RequestDownload(RequestDownload<'a>) = "RequestDownload",
    RequestDownloadResponse(RequestDownloadResponse) = "RequestDownloadResponse",
    Kicked(Kicked<'a>) = "Kicked",
    KickedResponse(KickedResponse<'a>) = "KickedResponse",
}

impl Body<'_> {
    /// Whether this is a response (a method whose name ends in `Response`, or a fault).
    #[must_use]
    pub fn is_response(&self) -> bool {
        matches!(self, Self::Fault(_)) || self.method_name().ends_with("Response")
    }
}

/// One SOAP envelope: CWMP version, header and body.
///
/// ```
/// use cwmp_codec::{Body, CwmpVersion, Envelope};
/// let xml = include_bytes!("../tests/vectors/spec/spv-response.xml");
/// let env = Envelope::parse(xml)?;
/// assert_eq!(env.version, CwmpVersion::V1_0);
/// assert!(matches!(env.body, Body::SetParameterValuesResponse(ref r) if r.status == 0));
/// // Canonical out, and back in again to the same envelope.
/// let out = env.to_vec();
/// assert_eq!(Envelope::parse(&out)?, env);
/// # Ok::<(), cwmp_codec::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Envelope<'a> {
    /// Protocol version, from the namespace and the header.
    pub version: CwmpVersion,
    /// SOAP header.
    #[cfg_attr(feature = "serde", serde(rename = "Header"))]
    pub header: Header<'a>,
    /// SOAP body.
    #[cfg_attr(feature = "serde", serde(rename = "Body"))]
    pub body: Body<'a>,
}

impl<'a> Envelope<'a> {
    /// An envelope with the given ID (an empty header otherwise).
    pub fn new(version: CwmpVersion, id: impl Into<Cow<'a, str>>, body: Body<'a>) -> Self {
        Self {
            version,
            header: Header {
                id: Some(id.into()),
                ..Header::default()
            },
            body,
        }
    }

    /// Parses exactly one envelope, leniently, with default limits.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the byte offset and element path; an input holding no envelope
    /// or more than one is an error too (use [`Message`] for those).
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::read(&mut Parser::new(input, &ReadOptions::default(), false)?)
    }

    /// Parses exactly one envelope with `opts`, returning the warnings recorded.
    ///
    /// # Errors
    ///
    /// As [`Envelope::parse`]; in strict mode also every tolerated quirk.
    pub fn parse_with(input: &'a [u8], opts: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        Parser::read_with_warnings(input, opts, Self::read)
    }

    fn read(p: &mut Parser<'a>) -> Result<Self, ParseError> {
        let Some(root) = p.next_root()? else {
            return Err(p.error(ErrorKind::NoEnvelope));
        };
        let env = read_envelope(p, root)?;
        if p.next_root()?.is_some() {
            return Err(p.error(ErrorKind::TrailingContent));
        }
        Ok(env)
    }

    /// The canonical form with default options.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        self.to_vec_with(&WriteOptions::default())
    }

    /// The canonical form with `opts`.
    #[must_use]
    pub fn to_vec_with(&self, opts: &WriteOptions) -> Vec<u8> {
        let mut out = Vec::with_capacity(1024);
        self.write_into_with(&mut out, opts);
        out
    }

    /// Appends the canonical form to `out`, with default options.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        self.write_into_with(out, &WriteOptions::default());
    }

    /// Appends the canonical form to `out`, with `opts`.
    pub fn write_into_with(&self, out: &mut Vec<u8>, opts: &WriteOptions) {
        let mut w = XmlWriter::new(out, opts, self.version.namespace());
        self.write(&mut w);
    }

    /// Streams the canonical form to `writer`, with default options, through a buffer of a
    /// few KiB (a 20,000-parameter response is never held whole).
    ///
    /// # Errors
    ///
    /// Only the writer's I/O errors.
    pub fn write_to(&self, writer: &mut impl std::io::Write) -> std::io::Result<()> {
        self.write_to_with(writer, &WriteOptions::default())
    }

    /// Streams the canonical form to `writer`, with `opts`.
    ///
    /// # Errors
    ///
    /// Only the writer's I/O errors.
    pub fn write_to_with(
        &self,
        writer: &mut impl std::io::Write,
        opts: &WriteOptions,
    ) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(crate::write::STREAM_CHUNK + 1024);
        let mut w = XmlWriter::streaming(&mut buf, opts, self.version.namespace(), writer);
        self.write(&mut w);
        w.finish()
    }

    fn write(&self, w: &mut XmlWriter<'_>) {
        w.raw(concat!(
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"",
            " xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\"",
            " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
            " xmlns:cwmp=\""
        ));
        w.raw(w.cwmp_ns);
        w.raw("\">");
        self.header.write(w);
        w.start("SOAP-ENV:Body");
        self.body.write(w);
        w.end("SOAP-ENV:Body");
        w.end("SOAP-ENV:Envelope");
    }

    /// The version a reader finds in this envelope's canonical form. It is `version`, except
    /// for a 1.3 or 1.4 envelope without the headers that mark those versions (as read from
    /// the `cwmp-1-3`/`cwmp-1-4` URIs some CPEs send): it is written in the `cwmp-1-2`
    /// namespace the schemas define, and reads back as 1.2.
    #[must_use]
    pub fn version_as_written(&self) -> CwmpVersion {
        let minor = match self.version {
            CwmpVersion::V1_0 => 0,
            CwmpVersion::V1_1 => 1,
            _ => 2,
        };
        CwmpVersion::detect(minor, &self.header)
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Envelope<'static> {
        Envelope {
            version: self.version,
            header: self.header.into_owned(),
            body: self.body.into_owned(),
        }
    }
}

impl std::fmt::Display for Envelope<'_> {
    /// The canonical XML.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_vec()))
    }
}

/// The envelopes of one HTTP body: none (the empty message that ends a session), one, or
/// several (up to the peer's MaxEnvelopes).
///
/// ```
/// use cwmp_codec::Message;
/// assert!(Message::parse(b" \r\n")?.is_empty());
/// # Ok::<(), cwmp_codec::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Message<'a> {
    /// The envelopes in order.
    pub envelopes: Vec<Envelope<'a>>,
}

impl<'a> Message<'a> {
    /// Whether this is the empty message (no envelope).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.envelopes.is_empty()
    }

    /// Parses every envelope of an HTTP body, leniently, with default limits.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the byte offset and element path.
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::read(&mut Parser::new(input, &ReadOptions::default(), false)?)
    }

    /// Parses every envelope with `opts`, returning the warnings recorded.
    ///
    /// # Errors
    ///
    /// As [`Message::parse`]; in strict mode also every tolerated quirk.
    pub fn parse_with(input: &'a [u8], opts: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        Parser::read_with_warnings(input, opts, Self::read)
    }

    fn read(p: &mut Parser<'a>) -> Result<Self, ParseError> {
        let mut envelopes = Vec::new();
        while let Some(root) = p.next_root()? {
            if envelopes.len() >= p.limits.max_envelopes {
                return Err(p.error(ErrorKind::LimitExceeded {
                    limit: crate::error::Limit::MaxEnvelopes,
                    max: p.limits.max_envelopes,
                }));
            }
            envelopes.push(read_envelope(p, root)?);
        }
        Ok(Self { envelopes })
    }

    /// Every envelope, canonical, one after the other.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_into(&mut out);
        out
    }

    /// Appends every envelope, canonical, one after the other, to `out`.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        for e in &self.envelopes {
            e.write_into(out);
        }
    }

    /// Streams every envelope, canonical, one after the other, to `writer`.
    ///
    /// # Errors
    ///
    /// Only the writer's I/O errors.
    pub fn write_to(&self, writer: &mut impl std::io::Write) -> std::io::Result<()> {
        self.envelopes.iter().try_for_each(|e| e.write_to(writer))
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Message<'static> {
        Message {
            envelopes: self
                .envelopes
                .into_iter()
                .map(Envelope::into_owned)
                .collect(),
        }
    }
}

fn read_envelope<'a>(p: &mut Parser<'a>, root: Elem<'a>) -> Result<Envelope<'a>, ParseError> {
    if root.local != "Envelope" || root.ns != Ns::SoapEnv {
        return Err(p.error_in(&root, ErrorKind::NotAnEnvelope));
    }
    p.start_envelope();
    let declared = p.declared_cwmp_minor();
    let mut header = None;
    let mut body = None;
    while let Some(child) = p.next_child(&root)? {
        match (child.ns, child.local) {
            (Ns::SoapEnv, "Header") if header.is_none() && body.is_none() => {
                header = Some(Header::read(p, &child)?);
            }
            (Ns::SoapEnv, "Body") if body.is_none() => body = Some(read_body(p, &child)?),
            (Ns::SoapEnv, "Header" | "Body") => {
                let name = child.local.to_owned();
                return Err(p.error_in(&child, ErrorKind::DuplicateElement(name)));
            }
            _ => p.skip_unknown(&child)?,
        }
    }
    let Some(body) = body else {
        return Err(p.error_in(&root, ErrorKind::MissingBody));
    };
    // SOAP 1.1 (4.2) makes the Header optional, and the writer leaves an empty one out.
    let header = header.unwrap_or_default();
    let version = CwmpVersion::detect(p.cwmp_minor().or(declared).unwrap_or(0), &header);
    Ok(Envelope {
        version,
        header,
        body,
    })
}

fn read_body<'a>(p: &mut Parser<'a>, elem: &Elem<'a>) -> Result<Body<'a>, ParseError> {
    let Some(method) = p.next_child(elem)? else {
        return Err(p.error_in(elem, ErrorKind::EmptyBody));
    };
    let body = match method.ns {
        Ns::SoapEnv if method.local == "Fault" => Body::Fault(Fault::from_xml(p, method)?),
        Ns::Cwmp(_) | Ns::None => {
            if let Ns::Cwmp(_) = method.ns {
                p.note_cwmp_namespace(method.ns);
                if !method.prefixed {
                    p.tolerate_in(&method, WarningKind::MethodInDefaultNamespace)?;
                }
            } else {
                p.tolerate_in(&method, WarningKind::MethodWithoutNamespace)?;
            }
            match Body::read_method(p, method)? {
                Ok(body) => body,
                Err(unknown) => unknown_method(p, &unknown)?,
            }
        }
        _ => unknown_method(p, &method)?,
    };
    if let Some(extra) = p.next_child(elem)? {
        return Err(p.error_in(&extra, ErrorKind::MultipleBodyElements));
    }
    Ok(body)
}

fn unknown_method<'a>(p: &mut Parser<'a>, method: &Elem<'a>) -> Result<Body<'a>, ParseError> {
    let namespace = method.ns.uri();
    let kept = p.keep_raw(method, namespace)?;
    Ok(Body::Unknown(UnknownMethod {
        name: Cow::Borrowed(method.local),
        namespace: Cow::Borrowed(namespace),
        raw: crate::RawXml::read(kept.xml, kept.in_scope),
    }))
}
