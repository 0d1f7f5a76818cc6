#!/usr/bin/env bash
# tshark decodes a DHCPOFFER that dhcp-tta-options wrote: option 43 (a provider list over 255
# bytes, so two RFC 3396 instances), 60 and 125. The joined option-43 pieces, the vendor class and
# the option-125 bytes must be what the encoder meant to send.
# No network: the example program writes a classic pcap file, tshark reads it with -r.
set -euo pipefail
cd "$(dirname "$0")/../.."

name="dhcp-tshark-pcap"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cargo build -q -p dhcp-tta-options --example offer_pcap
timeout 30 target/debug/examples/offer_pcap "$tmp/offer.pcap" >"$tmp/meant"
meant() { sed -n "s/^$1=//p" "$tmp/meant"; }

fields="$(timeout 60 tshark -r "$tmp/offer.pcap" -T fields -E separator=/t \
    -e dhcp.option.vendor_class_id -e dhcp.option.vendor.value -e dhcp.option.value 2>/dev/null)"
vendor_class="$(cut -f1 <<<"$fields")"
pieces="$(cut -f2 <<<"$fields")"
values="$(cut -f3 <<<"$fields")"
got43="${pieces//,/}"
instances="$(tr ',' '\n' <<<"$pieces" | grep -c .)"
got125="${values##*,}"

fail=()
[ "$vendor_class" = "$(meant vendor_class)" ] || fail+=("vendor class: got '$vendor_class'")
[ "$got43" = "$(meant option43_hex)" ] || fail+=("option 43: joined pieces differ")
[ "$instances" = "$(meant option43_instances)" ] || fail+=("option 43: $instances instances")
[ "$got125" = "$(meant option125_hex)" ] || fail+=("option 125: got '$got125'")

if [ ${#fail[@]} -eq 0 ]; then
    echo "PASS $name: tshark reads option 60, option 43 in $instances pieces and option 125 as written"
else
    (IFS=';'; echo "FAIL $name: ${fail[*]}")
    exit 1
fi
