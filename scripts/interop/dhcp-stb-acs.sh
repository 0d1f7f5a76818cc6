#!/usr/bin/env bash
# The whole DHCP chain of the standard, across a real network: dnsmasq serves option 43 (a TTA
# provider list built by `tta-tool dhcp encode`, naming tta-acs's URL) to vendor class
# "IPTV Device"; busybox udhcpc asks with that class, and its hook script, on `bound`, sets the
# leased address and hands the option-43 value (hex) to `tta-stb`, which runs the procedure
# against `tta-acs` on the other side of the link. `tta-stb` must say `provisioned` and the
# server's API must list the device in phase `provisioned`. Runs in two network namespaces
# joined by a veth pair, on a private subnet that exists only inside them; everything is
# deleted by name afterwards, and every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."

name="dhcp-stb-acs"
ns_srv="tta-chain-srv"
ns_cli="tta-chain-cli"
veth_srv="ttachs"
veth_cli="ttachc"
srv_ip="10.250.44.1"
cwmp_port=7547
nbi_port=7557
nbi="http://127.0.0.1:$nbi_port"

cleanup() {
    if [ -n "${tmp:-}" ]; then
        for pidfile in "$tmp/dnsmasq.pid" "$tmp/acs.pid"; do
            if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
        done
    fi
    # Deleting a namespace does not end the processes in it: they went first, by pid.
    ip netns del "$ns_srv" 2>/dev/null || true
    ip netns del "$ns_cli" 2>/dev/null || true
    if [ -n "${tmp:-}" ] && [ -z "${KEEP:-}" ]; then rm -rf "$tmp"; fi
}
cleanup # leftovers of an interrupted run
tmp="$(mktemp -d)"
trap cleanup EXIT

cargo build -q -p tta-examples --bins
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug"

fail=()
report() { # prints the logs and the failures, then fails
    for log in "$tmp"/*.log; do
        [ -f "$log" ] && { echo "--- $(basename "$log")"; tail -n 30 "$log"; } >&2
    done
    (IFS=';'; echo "FAIL $name: ${fail[*]}")
    exit 1
}

ip netns add "$ns_srv"
ip netns add "$ns_cli"
ip link add "$veth_srv" netns "$ns_srv" type veth peer name "$veth_cli" netns "$ns_cli"
ip -n "$ns_srv" addr add "$srv_ip/24" dev "$veth_srv"
ip -n "$ns_srv" link set lo up
ip -n "$ns_srv" link set "$veth_srv" up
ip -n "$ns_cli" link set lo up
ip -n "$ns_cli" link set "$veth_cli" up

# The server: CWMP on the link's address, the API on the namespace's loopback; every device a
# subscriber, so the STB's first access ends provisioned.
cat >"$tmp/acs.toml" <<CONF
[provisioning]
open_subscription = true
CONF
ip netns exec "$ns_srv" "$bin/tta-acs" --config "$tmp/acs.toml" --data-dir "$tmp/acs" \
    --cwmp-listen "$srv_ip:$cwmp_port" --cwmp-tls-listen "$srv_ip:7548" \
    --nbi-listen "127.0.0.1:$nbi_port" >"$tmp/acs.log" 2>&1 &
echo $! >"$tmp/acs.pid"
if ! timeout 20 sh -c "until ip netns exec '$ns_srv' curl -fs -o /dev/null '$nbi/health'; do
        kill -0 $(cat "$tmp/acs.pid") 2>/dev/null || exit 1; sleep 0.1; done"; then
    fail+=("tta-acs did not start")
    report
fi
acs_url="http://$srv_ip:$cwmp_port/kt"
if ! ip netns exec "$ns_srv" curl -fsS -m 10 -X PUT -H 'content-type: application/json' \
    -d "{\"url\": \"$acs_url\", \"ntp\": \"$srv_ip\"}" "$nbi/providers/KT" >"$tmp/provider.log" 2>&1; then
    fail+=("PUT /providers/KT refused")
    report
fi

value="$("$bin/tta-tool" dhcp encode --format text --provider "KT,$acs_url,$srv_ip")"

# A configuration file, not command-line flags: dnsmasq strips the quotes (needed because of
# the commas in the value) only when it reads a file. --no-ping: no 3 s ping before an offer.
cat >"$tmp/dnsmasq.conf" <<CONF
port=0
user=root
group=root
interface=$veth_srv
bind-interfaces
no-ping
dhcp-range=10.250.44.10,10.250.44.50,255.255.255.0,1h
dhcp-leasefile=$tmp/leases
pid-file=$tmp/dnsmasq.pid
log-dhcp
log-facility=$tmp/dnsmasq.log
dhcp-vendorclass=set:iptv,IPTV Device
dhcp-option=tag:iptv,43,"$value"
CONF
ip netns exec "$ns_srv" dnsmasq --conf-file="$tmp/dnsmasq.conf"
timeout 5 sh -c "until [ -s '$tmp/dnsmasq.pid' ]; do sleep 0.05; done"

# The STB's DHCP hook: on `bound`, take the address (udhcpc leaves that to its script), then
# start the provisioning with the option-43 value udhcpc exports in hex as $opt43.
cat >"$tmp/hook" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] || exit 0
ip addr add "\$ip/\${mask:-24}" dev "\$interface"
echo "\${opt43:-none}" >"$tmp/opt43"
[ -n "\${opt43:-}" ] || exit 1
timeout 30 "$bin/tta-stb" --option43-hex "\$opt43" --state-dir "$tmp/stb" \
    --retry-min-wait 1 >"$tmp/stb.out" 2>"$tmp/stb.log"
echo \$? >"$tmp/stb.rc"
exit 0
SCRIPT
chmod +x "$tmp/hook"

if ! timeout 45 ip netns exec "$ns_cli" udhcpc -f -q -n -t 3 -T 1 -i "$veth_cli" \
    -V "IPTV Device" -O 43 -s "$tmp/hook" >"$tmp/udhcpc.log" 2>&1; then
    fail+=("udhcpc: no lease, or the hook did not finish")
fi

line="$(head -n 1 "$tmp/stb.out" 2>/dev/null || true)"
device="${line%% *}"
if [ "$(cat "$tmp/stb.rc" 2>/dev/null || echo none)" != 0 ]; then
    fail+=("tta-stb exit $(cat "$tmp/stb.rc" 2>/dev/null || echo none): '$line'")
fi
grep -q '^001F3C-IPTV-[0-9A-F]* provisioned ' <<<"$line" || fail+=("tta-stb said '$line'")
grep -q 'option 43: 1 providers' <<<"$line" || fail+=("tta-stb did not start from option 43")
if [ -n "$device" ]; then
    ip netns exec "$ns_srv" curl -fsS -m 10 "$nbi/devices?phase=provisioned" >"$tmp/devices.json" \
        2>>"$tmp/provider.log" || true
    grep -q "\"$device\"" "$tmp/devices.json" ||
        fail+=("the API does not list $device as provisioned: $(head -c 300 "$tmp/devices.json")")
fi

if [ ${#fail[@]} -eq 0 ]; then
    echo "PASS $name: udhcpc's hook handed option 43 to tta-stb, which provisioned $device against tta-acs"
else
    report
fi
