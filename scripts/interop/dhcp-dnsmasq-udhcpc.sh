#!/usr/bin/env bash
# dnsmasq serves option 43 (a TTA provider list built by `tta-tool dhcp encode`) only to vendor
# class "IPTV Device"; busybox udhcpc asks with that class and gets it, and `tta-tool dhcp decode`
# reads exactly the providers back; a client with another class gets no option 43. Also checks
# the CLI's exit statuses. Runs in two network namespaces joined by a veth pair, on a private
# subnet that exists only inside them; everything is deleted by name afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

name="dhcp-dnsmasq-udhcpc"
ns_srv="tta-dhcp43-srv"
ns_cli="tta-dhcp43-cli"
veth_srv="tta43s"
veth_cli="tta43c"
srv_ip="10.250.43.1"

cleanup() {
    if [ -n "${tmp:-}" ] && [ -f "$tmp/dnsmasq.pid" ]; then
        kill "$(cat "$tmp/dnsmasq.pid")" 2>/dev/null || true
    fi
    ip netns del "$ns_srv" 2>/dev/null || true
    ip netns del "$ns_cli" 2>/dev/null || true
    if [ -n "${tmp:-}" ] && [ -z "${KEEP:-}" ]; then rm -rf "$tmp"; fi
}
cleanup # leftovers of an interrupted run
tmp="$(mktemp -d)"
trap cleanup EXIT

cargo build -q -p tta-examples --bin tta-tool
tool="$PWD/target/debug/tta-tool"

fail=()
check() { # check DESCRIPTION COMMAND...: records a failure instead of stopping
    local what="$1"
    shift
    "$@" || fail+=("$what")
}

# CLI exit statuses: 1 with entry and field for invalid input, 2 for usage errors.
set +e
err="$("$tool" dhcp decode --text 'KT,http://a,n|SKB,ftp://b,n' 2>&1 >/dev/null)"
rc=$?
"$tool" dhcp decode >/dev/null 2>&1
rc_usage=$?
set -e
check "cli invalid input exit $rc" [ "$rc" -eq 1 ]
check "cli error text '$err'" grep -q '^error: .* at byte [0-9]* (entry 1 provisioning url)$' <<<"$err"
check "cli usage exit $rc_usage" [ "$rc_usage" -eq 2 ]

value="$("$tool" dhcp encode --format text \
    --provider 'KT,https://acs.kt.example:8443/prov,ntp.kt.example' \
    --provider 'SKB,http://10.1.1.1/acs,10.1.1.2')"
value_hex="$("$tool" dhcp encode \
    --provider 'KT,https://acs.kt.example:8443/prov,ntp.kt.example' \
    --provider 'SKB,http://10.1.1.1/acs,10.1.1.2')"

ip netns add "$ns_srv"
ip netns add "$ns_cli"
ip link add "$veth_srv" netns "$ns_srv" type veth peer name "$veth_cli" netns "$ns_cli"
ip -n "$ns_srv" addr add "$srv_ip/24" dev "$veth_srv"
ip -n "$ns_srv" link set lo up
ip -n "$ns_srv" link set "$veth_srv" up
ip -n "$ns_cli" link set lo up
ip -n "$ns_cli" link set "$veth_cli" up

# A configuration file, not command-line flags: dnsmasq strips the quotes (needed because of
# the commas in the value) only when it reads a file. --no-ping: no 3 s ping before an offer.
cat >"$tmp/dnsmasq.conf" <<CONF
port=0
user=root
group=root
interface=$veth_srv
bind-interfaces
no-ping
dhcp-range=10.250.43.10,10.250.43.50,255.255.255.0,1h
dhcp-leasefile=$tmp/leases
pid-file=$tmp/dnsmasq.pid
log-dhcp
log-facility=$tmp/dnsmasq.log
dhcp-vendorclass=set:iptv,IPTV Device
dhcp-option=tag:iptv,43,"$value"
CONF
ip netns exec "$ns_srv" dnsmasq --conf-file="$tmp/dnsmasq.conf"
timeout 5 sh -c "until [ -s '$tmp/dnsmasq.pid' ]; do sleep 0.05; done"

cat >"$tmp/script" <<SCRIPT
#!/bin/sh
# udhcpc calls this for each event; record option 43 (hex) of the lease.
[ "\$1" = bound ] && echo "\${opt43:-none}" >"$tmp/opt43.\$tag"
exit 0
SCRIPT
chmod +x "$tmp/script"

lease() { # lease TAG VENDORCLASS
    timeout 10 ip netns exec "$ns_cli" env tag="$1" \
        udhcpc -f -q -n -t 3 -T 1 -i "$veth_cli" -V "$2" -O 43 -s "$tmp/script" >"$tmp/udhcpc.$1.log" 2>&1
}

if lease iptv "IPTV Device"; then
    got="$(cat "$tmp/opt43.iptv" 2>/dev/null || echo missing)"
    check "iptv client: option 43 '$got' is not what was served" [ "$got" = "$value_hex" ]
    if "$tool" dhcp decode --hex "$got" >"$tmp/got.json" 2>"$tmp/decode.err"; then
        "$tool" dhcp decode --text "$value" >"$tmp/want.json"
        check "iptv client: decoded providers differ" cmp -s "$tmp/got.json" "$tmp/want.json"
        check "iptv client: not 2 providers" [ "$(grep -c '"ServiceProviderID"' "$tmp/got.json")" -eq 2 ]
        check "iptv client: KT entry" grep -q '"ProvisioningServerURL": "https://acs.kt.example:8443/prov"' "$tmp/got.json"
    else
        fail+=("iptv client: decode failed: $(cat "$tmp/decode.err")")
    fi
else
    fail+=("iptv client: no lease")
fi

if lease other "Other Device"; then
    got="$(cat "$tmp/opt43.other" 2>/dev/null || echo missing)"
    check "other client got option 43 '$got'" [ "$got" = none ]
else
    fail+=("other client: no lease")
fi

if [ ${#fail[@]} -eq 0 ]; then
    echo "PASS $name: dnsmasq served option 43 to 'IPTV Device' only, decoded to the 2 providers"
else
    for log in "$tmp"/udhcpc.*.log "$tmp/dnsmasq.log"; do
        [ -f "$log" ] && { echo "--- $(basename "$log")"; tail -n 20 "$log"; } >&2
    done
    (IFS=';'; echo "FAIL $name: ${fail[*]}")
    exit 1
fi
