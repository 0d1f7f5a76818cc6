#!/usr/bin/env bash
# Runs every test of the workspace: unit, integration, doc and property tests, the schema
# validation of everything cwmp-codec writes, and the interop tests against real peers
# (scripts/interop/*.sh). Installs the system packages it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cargo test --workspace --all-features

shopt -s nullglob
for t in scripts/interop/*.sh; do
    echo "interop: $t"
    bash "$t"
done
