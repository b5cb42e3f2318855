#!/usr/bin/env bash
# Time the first `make report` on a fresh clone: the install (`make venv`) and the rest (demo
# data, ingestion, the report) separately, for one commit.
#
# Usage: benchmarks/bench_first_run.sh [COMMIT] [--cold]
#   COMMIT  what to clone (default HEAD); compare a commit before the lock with one after it
#   --cold  empty uv cache for this run (UV_CACHE_DIR in a temporary folder)
# The Debian packages of tools/install-system-deps.sh are assumed present (their apt-get time
# depends on the mirror, not on the project). Prints one line: commit, install s, report s.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:-HEAD}
cold=0
[[ "${2:-}" == "--cold" || "${1:-}" == "--cold" ]] && cold=1
[[ "$commit" == "--cold" ]] && commit=HEAD

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/clone"
git -C "$work/clone" checkout --quiet "$(git -C "$repo" rev-parse "$commit")"
if [[ $cold -eq 1 ]]; then
    export UV_CACHE_DIR="$work/uv-cache" PIP_NO_CACHE_DIR=1
fi
cd "$work/clone"
t0=$(date +%s.%N)
make venv >"$work/venv.log" 2>&1 || { cat "$work/venv.log"; exit 1; }
t1=$(date +%s.%N)
make report >"$work/report.log" 2>&1 || { cat "$work/report.log"; exit 1; }
t2=$(date +%s.%N)
printf '%s install %.1f s, rest of make report %.1f s, total %.1f s%s\n' \
    "$(git rev-parse --short HEAD)" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" \
    "$(echo "$t2 - $t0" | bc)" "$([[ $cold -eq 1 ]] && echo ' (cold cache)')"
