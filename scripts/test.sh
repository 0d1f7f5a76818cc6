#!/usr/bin/env bash
# Runs every test of the workspace: unit, integration, doc and property tests, the schema
# validation of everything cwmp-codec writes, and the interop tests against real peers
# (scripts/interop/*.sh). Installs the system packages it needs first, and runs the server's
# storage tests on PostgreSQL too, in a throwaway cluster (scripts/postgres.sh: TTA_SKIP_POSTGRES=1
# runs them on SQLite only when PostgreSQL cannot start). Ends with one line that totals them:
# `tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
log=$(mktemp)
trap 'tta_pg_stop; rm -f "$log"' EXIT
# Without these an interrupt would end the script before the EXIT trap stops the cluster.
trap 'exit 130' INT
trap 'exit 143' TERM
tta_pg_start
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
