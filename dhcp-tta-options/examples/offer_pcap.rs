//! Writes a classic pcap file holding one DHCPOFFER built with this crate: option 43 (a
//! provider list longer than 255 bytes, so split over two instances), 60 and 125 (TR-111), and
//! prints what it meant to send, for a dissector (tshark) to check.
//!
//! Usage: `offer_pcap OUT.pcap`. Prints `vendor_class=...`, `option43_hex=...`,
//! `option43_instances=N` and `option125_hex=...`.

use std::borrow::Cow;
use std::process::ExitCode;

use dhcp_tta_options::{
    BROADBAND_FORUM, DhcpOption, IPTV_DEVICE, MAGIC_COOKIE, MessageType, OptionsField, Provider,
    ProviderList, Tr111, VendorInfo,
};

const SERVER_IP: [u8; 4] = [10, 250, 44, 1];
const CLIENT_IP: [u8; 4] = [10, 250, 44, 10];
const SERVER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0x44, 0x01];
const CLIENT_MAC: [u8; 6] = [0x02, 0, 0, 0, 0x44, 0x0a];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: offer_pcap OUT.pcap");
        return ExitCode::from(2);
    };
    let providers: Vec<Provider<'static>> = (1..=6)
        .map(|i| {
            Provider::new(
                format!("SP{i}"),
                format!("https://acs{i}.provider{i}.example:8443/tta/provisioning"),
                format!("ntp{i}.provider{i}.example"),
            )
            .expect("valid provider")
        })
        .collect();
    let list = ProviderList::new(providers).expect("non-empty");
    let option43 = list.to_vec();
    assert!(
        option43.len() > 255,
        "the value must need RFC 3396 splitting"
    );

    let mut tr111 = Tr111::new();
    tr111.gateway_oui = Some("001F3C".into());
    tr111.gateway_serial = Some("001F3C0AF04C".into());
    tr111.gateway_product_class = Some("IGD".into());
    let option125 = VendorInfo::new(vec![tr111.to_block().expect("fits")]).to_vec();
    assert_eq!(
        VendorInfo::parse(&option125).unwrap().blocks()[0].enterprise(),
        BROADBAND_FORUM
    );

    let field = OptionsField::new(vec![
        DhcpOption::MessageType(MessageType::Offer),
        DhcpOption::ServerId(SERVER_IP.into()),
        DhcpOption::SubnetMask([255, 255, 255, 0].into()),
        DhcpOption::Router(vec![SERVER_IP.into()]),
        DhcpOption::VendorClass(Cow::Borrowed(IPTV_DEVICE.as_bytes())),
        DhcpOption::VendorSpecific(Cow::Borrowed(&option43)),
        DhcpOption::VendorIdentifying(Cow::Borrowed(&option125)),
    ])
    .expect("valid options");

    // BOOTP header: op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr,
    // chaddr (16), sname (64), file (128), magic cookie, options.
    let mut dhcp = vec![2u8, 1, 6, 0];
    dhcp.extend_from_slice(&0x7474_6100u32.to_be_bytes());
    dhcp.extend_from_slice(&[0, 0, 0x80, 0]);
    dhcp.extend_from_slice(&[0; 4]);
    dhcp.extend_from_slice(&CLIENT_IP);
    dhcp.extend_from_slice(&SERVER_IP);
    dhcp.extend_from_slice(&[0; 4]);
    dhcp.extend_from_slice(&CLIENT_MAC);
    dhcp.extend_from_slice(&[0; 10 + 64 + 128]);
    dhcp.extend_from_slice(&MAGIC_COOKIE);
    field.write_into(&mut dhcp);

    // Our own reader must get back what we wrote, before any other tool looks at it.
    let back = OptionsField::parse_message(&dhcp).expect("reads back");
    assert_eq!(back.value(43).as_deref(), Some(&option43[..]));

    let udp_len = 8 + dhcp.len();
    let mut udp = Vec::with_capacity(udp_len);
    udp.extend_from_slice(&67u16.to_be_bytes());
    udp.extend_from_slice(&68u16.to_be_bytes());
    udp.extend_from_slice(&(udp_len as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]); // no checksum (allowed over IPv4)
    udp.extend_from_slice(&dhcp);

    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&((20 + udp.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 1, 0, 0, 64, 17, 0, 0]);
    ip.extend_from_slice(&SERVER_IP);
    ip.extend_from_slice(&[255, 255, 255, 255]);
    let sum = ipv4_checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    ip.extend_from_slice(&udp);

    let mut frame = vec![0xff; 6];
    frame.extend_from_slice(&SERVER_MAC);
    frame.extend_from_slice(&[0x08, 0x00]);
    frame.extend_from_slice(&ip);

    // Classic pcap: global header (microsecond magic, v2.4, snaplen, Ethernet), one record.
    let mut pcap = Vec::new();
    pcap.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    pcap.extend_from_slice(&2u16.to_le_bytes());
    pcap.extend_from_slice(&4u16.to_le_bytes());
    pcap.extend_from_slice(&0i32.to_le_bytes());
    pcap.extend_from_slice(&0u32.to_le_bytes());
    pcap.extend_from_slice(&65_535u32.to_le_bytes());
    pcap.extend_from_slice(&1u32.to_le_bytes());
    pcap.extend_from_slice(&1_700_000_000u32.to_le_bytes());
    pcap.extend_from_slice(&0u32.to_le_bytes());
    pcap.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    pcap.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    pcap.extend_from_slice(&frame);
    if let Err(e) = std::fs::write(&out, &pcap) {
        eprintln!("error: {out}: {e}");
        return ExitCode::from(1);
    }

    println!("vendor_class={IPTV_DEVICE}");
    println!("option43_hex={}", hex(&option43));
    println!("option43_instances={}", option43.len().div_ceil(255));
    println!("option125_hex={}", hex(&option125));
    ExitCode::SUCCESS
}
