//! `tta-tool dhcp`: decode and build DHCP options 43, 60 and 125.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use dhcp_tta_options::{
    ClientKind, DhcpOption, Field, GatewayOption, Location, Option43, OptionsField, ParseError,
    Provider, ProviderList, ReadOptions, Tr111, VendorInfo, Warning, classify, detect,
};
use serde::Serialize;

use crate::io::{fail, print_json, print_line, warn};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Decode an option-43 value (hex or text) or a whole options field; prints JSON. The
    /// tolerances used (whitespace, a trailing NUL or `|`, a TR-069 sub-option kept raw) are
    /// warnings on stderr.
    ///
    /// An error inside option 43 or 125 of an options field counts bytes from the start of
    /// that option's value, and says so: `(option 43 value: entry 1 provisioning url)`.
    Decode(DecodeArgs),
    /// Build an option-43 provider list; prints it as hex, text or TR-098 base64.
    Encode(EncodeArgs),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct DecodeArgs {
    /// Option-43 value as hex (spaces and colons allowed).
    #[arg(long)]
    hex: Option<String>,
    /// Option-43 value as text (the TTA form; also an `X_TTA_ProviderInfos` value).
    #[arg(long)]
    text: Option<String>,
    /// A whole options field as hex (after the magic cookie), RFC 3396 pieces joined.
    #[arg(long)]
    options_hex: Option<String>,
    /// A whole BOOTP/DHCP message, binary, from a file or `-` for standard input; option 52
    /// (`file`/`sname` overload) is followed.
    #[arg(long, value_name = "PATH")]
    message: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// The option value as hex.
    Hex,
    /// The canonical text.
    Text,
    /// Base64, the TR-098 `DHCPOption.{i}.Value` (at most 255 bytes).
    Base64,
}

#[derive(Debug, Args)]
pub(crate) struct EncodeArgs {
    /// One provider entry, `ID,URL,NTP`, in list order (repeat for more).
    #[arg(long = "provider", value_name = "ID,URL,NTP", required = true)]
    providers: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "hex")]
    format: Format,
}

pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Decode(args) => decode(&args),
        Command::Encode(args) => encode(&args),
    }
}

/// Decodes a hex argument; `arg` names it in errors, which point at the byte of the argument.
fn parse_hex(text: &str, arg: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len() / 2);
    let mut high = None;
    for (at, c) in text.char_indices() {
        if c.is_ascii_whitespace() || c == ':' {
            continue;
        }
        let Some(digit) = c.to_digit(16) else {
            return Err(format!("invalid hex digit {c:?} at byte {at} ({arg})"));
        };
        // A hex digit is below 16, so the byte fits.
        let digit = u8::try_from(digit).unwrap_or_default();
        match high.take() {
            None => high = Some(digit),
            Some(h) => bytes.push(h << 4 | digit),
        }
    }
    if high.is_some() {
        return Err(format!(
            "odd number of hex digits at byte {} ({arg})",
            text.len()
        ));
    }
    Ok(bytes)
}

/// An error of a value decoded inside an option (43, 125): its offsets count from the start of
/// that option's value, not of the whole input, and `<where>` says so.
fn nested(code: u8, e: &ParseError) -> String {
    format!(
        "{} at byte {} ({})",
        e.kind(),
        e.offset(),
        nested_place(code, e.location())
    )
}

/// `option 43 value: entry 1 provisioning url`: the place inside an option's value.
fn nested_place(code: u8, location: &Location) -> String {
    let inner = match *location {
        Location::Input => None,
        Location::Option { code: c } if c == code => None,
        Location::SubOption { code: c, sub } if c == code => Some(format!("sub-option {sub}")),
        Location::EnterpriseBlock => Some("enterprise block".to_owned()),
        other => Some(other.to_string()),
    };
    let inner = inner.map(|place| format!(": {place}")).unwrap_or_default();
    format!("option {code} value{inner}")
}

/// Prints the tolerances used on stderr, and how many were not recorded; `nested_in` is the
/// option whose value was read inside an options field, as for errors.
fn report_warnings(warnings: &[Warning], dropped: usize, nested_in: Option<u8>) {
    for w in warnings {
        match nested_in {
            Some(code) => warn(format_args!(
                "{} at byte {} ({})",
                w.kind,
                w.offset,
                nested_place(code, &w.location)
            )),
            None => warn(w),
        }
    }
    if dropped > 0 {
        warn(format_args!(
            "{dropped} more warnings not recorded (max_warnings is {})",
            ReadOptions::default().limits.max_warnings
        ));
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Option 43 as decoded: the library's serde form (`form`, then `providers` or `suboptions`)
/// and whether [`detect`] was sure of the form, a fact of this tool's reading.
#[derive(Serialize)]
struct Decoded43<'a> {
    #[serde(flatten)]
    value: Option43<'a>,
    certain: bool,
}

fn decode43(value: &[u8], nested_in: Option<u8>) -> Result<Decoded43<'_>, ParseError> {
    let certain = detect(value).certain;
    let parsed = Option43::parse_with(value, &ReadOptions::lenient())?;
    report_warnings(&parsed.warnings, parsed.dropped_warnings, nested_in);
    Ok(Decoded43 {
        value: parsed.value,
        certain,
    })
}

/// Option 125 as decoded: the enterprise blocks and the TR-111 sub-options (`null` without an
/// enterprise-3561 block).
#[derive(Serialize)]
struct Decoded125<'a> {
    #[serde(flatten)]
    info: VendorInfo<'a>,
    tr111: Option<Tr111<'a>>,
}

fn decode125(value: &[u8]) -> Result<Decoded125<'_>, ParseError> {
    let info = VendorInfo::parse(value)?;
    let tr111 = Tr111::from_vendor_info(&info)?;
    Ok(Decoded125 { info, tr111 })
}

/// One option of a field: the library's form (`code`, `hex`, a typed `value`), with options
/// 43, 60 and 125 decoded beside it.
#[derive(Serialize)]
struct DecodedOption<'a> {
    #[serde(flatten)]
    option: &'a DhcpOption<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    option43: Option<Decoded43<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<std::borrow::Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_kind: Option<ClientKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    option125: Option<Decoded125<'a>>,
}

#[derive(Serialize)]
struct DecodedField<'a> {
    options: Vec<DecodedOption<'a>>,
}

fn decode_field<'a>(field: &'a OptionsField<'a>) -> Result<DecodedField<'a>, String> {
    let mut options = Vec::new();
    for option in field.options() {
        let mut o = DecodedOption {
            option,
            option43: None,
            text: None,
            client_kind: None,
            option125: None,
        };
        match option {
            DhcpOption::VendorSpecific(v) => {
                o.option43 = Some(decode43(v, Some(43)).map_err(|e| nested(43, &e))?);
            }
            DhcpOption::VendorClass(v) => {
                o.text = Some(String::from_utf8_lossy(v));
                o.client_kind = Some(classify(v));
            }
            DhcpOption::VendorIdentifying(v) => {
                o.option125 = Some(decode125(v).map_err(|e| nested(125, &e))?);
            }
            _ => {}
        }
        options.push(o);
    }
    Ok(DecodedField { options })
}

fn decode(args: &DecodeArgs) -> ExitCode {
    let print43 = |value: &[u8]| match decode43(value, None) {
        Ok(v) => print_json(&v),
        Err(e) => fail(e),
    };
    let print_field = |field: Result<OptionsField<'_>, ParseError>| match field
        .map_err(|e| e.to_string())
        .and_then(|f| decode_field(&f).map(|d| print_json(&d)))
    {
        Ok(code) => code,
        Err(e) => fail(e),
    };
    if let Some(hex) = &args.hex {
        match parse_hex(hex, "--hex") {
            Ok(v) => print43(&v),
            Err(e) => fail(e),
        }
    } else if let Some(text) = &args.text {
        print43(text.as_bytes())
    } else if let Some(hex) = &args.options_hex {
        match parse_hex(hex, "--options-hex") {
            Ok(bytes) => print_field(OptionsField::parse(&bytes)),
            Err(e) => fail(e),
        }
    } else if let Some(path) = &args.message {
        let max = ReadOptions::default().limits.max_input_bytes;
        match crate::io::read_input(path, max) {
            Ok(bytes) => print_field(OptionsField::parse_message(&bytes)),
            Err(e) => fail(format_args!("cannot read {path}: {e}")),
        }
    } else {
        fail("nothing to decode")
    }
}

fn encode(args: &EncodeArgs) -> ExitCode {
    let mut providers = Vec::new();
    for (i, p) in args.providers.iter().enumerate() {
        let fields: Vec<&str> = p.splitn(3, ',').collect();
        let [id, url, ntp] = fields[..] else {
            return fail(format_args!(
                "expected 3 fields ID,URL,NTP, found {} at byte {} (--provider {i})",
                fields.len(),
                p.len()
            ));
        };
        match Provider::new(id, url, ntp) {
            Ok(p) => providers.push(p),
            Err(e) => {
                // The field the constructor refused, and where it starts in the argument.
                let starts = [0, id.len() + 1, id.len() + url.len() + 2];
                let at = Field::ALL
                    .iter()
                    .position(|f| f.name() == e.what())
                    .and_then(|k| starts.get(k))
                    .copied()
                    .unwrap_or_default();
                return fail(format_args!(
                    "{e} at byte {at} (--provider {i} {})",
                    e.what()
                ));
            }
        }
    }
    let list = match ProviderList::new(providers) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    match args.format {
        Format::Hex => print_line(&to_hex(&list.to_vec())),
        Format::Text => print_line(&list.to_string()),
        Format::Base64 => match GatewayOption::encode_value(&list.to_vec()) {
            Ok(b) => print_line(&b),
            Err(e) => fail(e),
        },
    }
}
