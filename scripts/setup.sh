#!/usr/bin/env bash
# Set up a fresh Linux (Debian/Ubuntu) machine: LibreOffice headless for the tests
# that open and recalculate our workbooks, and a virtualenv with kehoach installed.
# Usage: bash scripts/setup.sh [--no-libreoffice]
set -euo pipefail
cd "$(dirname "$0")/.."

want_lo=1
[ "${1:-}" = "--no-libreoffice" ] && want_lo=0

if [ "$want_lo" = 1 ] && ! command -v soffice >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    echo "==> Cài LibreOffice headless (libreoffice-calc-nogui)"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        libreoffice-calc-nogui >/dev/null
fi

python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> Tạo môi trường ảo .venv"
    "$python_bin" -m venv .venv
fi
echo "==> Cài kehoach và các thư viện"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
