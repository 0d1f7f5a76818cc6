#!/usr/bin/env bash
# Runs every test of the workspace: unit, integration, doc and property tests, the schema
# validation of everything cwmp-codec writes, and the interop tests against real peers
# (scripts/interop/*.sh). Installs the system packages it needs first. Ends with one line that
# totals them: `tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --all-features --locked 2>&1 | tee "$log"

interop_passed=0
shopt -s nullglob
for t in scripts/interop/*.sh; do
    echo "interop: $t"
    bash "$t"
    interop_passed=$((interop_passed + 1))
done

awk -v interop="$interop_passed" '
    /^test result: / { passed += $4; failed += $6 }
    END { printf "tests: %d passed, %d failed\n", passed + interop, failed }
' "$log"
