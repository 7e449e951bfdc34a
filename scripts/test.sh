#!/usr/bin/env bash
# Set up, then run every check: lint, types, and the whole test suite
# (LibreOffice tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check pylib tests
.venv/bin/ruff format --check pylib tests
.venv/bin/mypy
.venv/bin/pytest -q "$@"
