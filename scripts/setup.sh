#!/usr/bin/env bash
# Set up a fresh Linux (Debian/Ubuntu) machine: LibreOffice headless for the tests
# that open and recalculate our workbooks, and a virtualenv with kehoach installed.
# Usage: bash scripts/setup.sh [--no-libreoffice]
set -euo pipefail
cd "$(dirname "$0")/.."

want_lo=1
[ "${1:-}" = "--no-libreoffice" ] && want_lo=0

# LibreOffice headless: Calc opens the workbooks, Writer prints the report (.docx); Liberation
# fonts stand in for Times New Roman (same metrics); poppler-utils reads the PDFs back.
lo_packages="libreoffice-calc-nogui libreoffice-writer-nogui fonts-liberation2 poppler-utils"
missing=""
if [ "$want_lo" = 1 ] && command -v apt-get >/dev/null 2>&1; then
    for p in $lo_packages; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
fi
if [ -n "$missing" ]; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    echo "==> Cài LibreOffice headless và công cụ PDF:$missing"
    $sudo_cmd apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null
fi

python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> Tạo môi trường ảo .venv"
    "$python_bin" -m venv .venv
fi
echo "==> Cài kehoach và các thư viện"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
