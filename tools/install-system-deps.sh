#!/usr/bin/env bash
# Install the Debian packages the report and the hand-over tests need, when missing.
# The report (`make report`, `make golden`; --report installs only these):
#   libpango-1.0-0 libpangoft2-1.0-0  text layout for WeasyPrint (reports as PDF)
#   fonts-dejavu-core  a font with full Latin coverage, so PDFs look the same on every machine
# The tests (`make test`; the default installs these too):
#   chromium      headless browser for tests/handover/test_browser.py (/usr/bin/chromium)
#   poppler-utils pdftoppm / pdftotext for tests/handover/test_pdf.py
#   libreoffice-calc-nogui  headless LibreOffice Calc: tests/handover/test_excel_print.py prints
#                 the report's workbook to PDF (soffice --headless --convert-to pdf); large, and
#                 no report needs it, so a report server is set up with --report
#
# Idempotent and quiet: nothing is done when everything is present; otherwise `apt-get update`
# runs once and the missing packages are installed. Without apt-get, or when not root, it only
# says what is missing (the tests that need it skip with a clear reason) and exits 0.
# Usage: tools/install-system-deps.sh [--report] [--check]
#   --report: only the report's packages; --check: report what is missing, install nothing
set -euo pipefail

REPORT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
check_only=0
report_only=0
for arg in "$@"; do
    case "$arg" in
        --check) check_only=1 ;;
        --report) report_only=1 ;;
        *) echo "install-system-deps: unknown option $arg (usage: $0 [--report] [--check])" >&2; exit 2 ;;
    esac
done
if [[ $report_only -eq 1 ]]; then
    PACKAGES=("${REPORT_PACKAGES[@]}")
else
    PACKAGES=(chromium poppler-utils "${REPORT_PACKAGES[@]}" libreoffice-calc-nogui)  # the tests: all
fi

installed() {
    # dpkg-query prints "install ok installed" only for a package that is fully installed.
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-system-deps: not a Debian-like system (no dpkg); install by hand: ${PACKAGES[*]}"
    exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-system-deps: all present (${PACKAGES[*]})"
    exit 0
fi

if [[ $check_only -eq 1 ]]; then
    echo "install-system-deps: missing: ${missing[*]}"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [[ "$(id -u)" -ne 0 ]]; then
    echo "install-system-deps: missing: ${missing[*]}; run as root with apt-get (sudo $0)." \
         "Tests that need them will skip."
    exit 0
fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-system-deps: installed ${missing[*]}"
