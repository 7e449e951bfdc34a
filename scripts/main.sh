#!/usr/bin/env bash
# Set up, then run the main job on the embedded plan: build workbook/KeHoach2023.xlsm
# and print what the plan holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-libreoffice
.venv/bin/kehoach build
.venv/bin/kehoach export workbook/KeHoach2023.xlsm
