#!/usr/bin/env bash
# Set up, then run every check: lint, types, and the whole test suite
# (LibreOffice tests included), one pytest worker per core (pytest-xdist); each test file runs
# whole on one worker. `.venv/bin/pytest` alone still runs it serially.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check pylib tests bench
.venv/bin/ruff format --check pylib tests bench
.venv/bin/mypy
MYPYPATH=bench .venv/bin/mypy bench
(cd pylib && ../.venv/bin/lint-imports ../pyproject.toml)
.venv/bin/pytest -q -n auto --dist loadfile "$@"
