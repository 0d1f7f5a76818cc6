#!/usr/bin/env bash
# Installs the system packages the tests talk to (xmllint validates what cwmp-codec writes;
# dnsmasq, busybox udhcpc, tshark and iproute2 are the real DHCP peers of the interop tests,
# curl calls the server's API in them;
# postgresql is the second database the server's tests run against, see scripts/postgres.sh).
# Does nothing when they are all present. Needs root (or sudo) on a Debian machine.
set -euo pipefail

need=()
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v dnsmasq >/dev/null 2>&1 || need+=(dnsmasq-base)
command -v busybox >/dev/null 2>&1 || need+=(busybox)
command -v udhcpc >/dev/null 2>&1 || need+=(udhcpc)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v curl >/dev/null 2>&1 || need+=(curl)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections || true
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
