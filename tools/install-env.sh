#!/usr/bin/env bash
# Install the locked environment into a venv: exactly the versions of requirements-lock.txt
# (hash-checked), then the project itself (editable, no dependencies), then the Jupyter kernel
# `mutasi-analysis` the reports run on.
#
# uv does the install when it can be had (a registry package, pinned below, kept inside the
# venv's .uv folder so that syncing the venv never removes it): it installs in seconds from its
# cache and makes the venv match the lock exactly (`uv pip sync`). It compiles the bytecode at
# install time, as pip does: otherwise every first import (each report kernel's pandas, scipy,
# statsmodels, matplotlib) compiles it, which doubled the first `make report`. Where uv cannot be installed,
# pip installs the same hash-checked lock into a fresh venv.
#
# Usage: tools/install-env.sh [VENV] [LOCK]     (defaults: .venv requirements-lock.txt)
# Environment: PYTHON (default python3), MUTASI_INSTALLER=pip to skip uv.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${1:-.venv}
LOCK=${2:-requirements-lock.txt}
PYTHON=${PYTHON:-python3}
UV_VERSION=0.13.9
UV="$VENV/.uv/bin/uv"

[[ -f "$LOCK" ]] || { echo "install-env: $LOCK not found; run \`make lock\`" >&2; exit 2; }
command -v "$PYTHON" >/dev/null || { echo "install-env: $PYTHON not found; install Python 3.11+" >&2; exit 2; }

pyver() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none; }
want=$(pyver "$PYTHON")
if [[ -x "$VENV/bin/python" && "$(pyver "$VENV/bin/python")" != "$want" ]]; then
    echo "install-env: $VENV was made by Python $(pyver "$VENV/bin/python"), $PYTHON is $want: making it anew"
    rm -rf "$VENV"
fi
[[ "$want" == 3.11 ]] || echo "install-env: note: Python $want; the published numbers are made on 3.11" \
    "(the lock pins other numpy and scipy releases for newer Pythons; \`mutasi doctor\` says so)"

have_uv() { [[ -x "$UV" ]] && [[ "$("$UV" --version 2>/dev/null)" == "uv $UV_VERSION"* ]]; }

if [[ "${MUTASI_INSTALLER:-uv}" != pip ]]; then
    [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
    if ! have_uv; then
        rm -rf "$VENV/.uv"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            --target "$VENV/.uv" "uv==$UV_VERSION" >"$VENV/.uv-install.log" 2>&1 \
            || echo "install-env: could not install uv $UV_VERSION ($(tail -n 1 "$VENV/.uv-install.log"))"
    fi
fi

if [[ "${MUTASI_INSTALLER:-uv}" != pip ]] && have_uv; then
    echo "install-env: uv $UV_VERSION installs $LOCK into $VENV"
    "$UV" pip sync --quiet --compile-bytecode --python "$VENV/bin/python" --require-hashes "$LOCK"
    "$UV" pip install --quiet --python "$VENV/bin/python" --no-deps -e .
else
    # pip cannot remove what the lock no longer lists, so it starts from an empty venv.
    echo "install-env: uv unavailable; pip installs $LOCK into a fresh $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
fi

"$VENV/bin/python" -m ipykernel install --sys-prefix --name mutasi-analysis \
    --display-name "Python (mutasi-analysis)" >/dev/null
echo "install-env: $VENV matches $LOCK"
