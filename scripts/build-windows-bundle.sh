#!/usr/bin/env bash
# Build the offline Windows bundle dist/KeHoach-<version>-windows.zip on Linux: the kehoach
# wheel, every dependency's win_amd64 wheel for each supported CPython, the workbook, the
# installer CaiDat.ps1/CaiDat.cmd and the IT guide. Layout: scripts/windows_bundle.py.
#
# Usage: bash scripts/build-windows-bundle.sh [--wheelhouse DIR] [--python-installer FILE]
#   --wheelhouse DIR      take the dependencies from DIR only (no index): an offline rebuild
#   --python-installer F  also ship a python.org installer (python-3.x.y-amd64.exe)
# Environment: PYTHON (default .venv/bin/python), PY_VERSIONS (default "3.11 3.12 3.13").
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-.venv/bin/python}"
py_versions="${PY_VERSIONS:-3.11 3.12 3.13}"
wheelhouse=""
installer=()
while [ $# -gt 0 ]; do
    case "$1" in
        --wheelhouse) wheelhouse="$2"; shift 2 ;;
        --python-installer) installer=(--python-installer "$2"); shift 2 ;;
        *) echo "Không hiểu tham số: $1" >&2; exit 2 ;;
    esac
done

version="$("$python_bin" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
name="KeHoach-${version}-windows"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Same sources, same bytes: wheel entries and the workbook take their dates from the commit.
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || echo 315532800)"
export SOURCE_DATE_EPOCH

echo "==> Gói kehoach (wheel)"
"$python_bin" -m pip wheel . --no-deps -q -w "$work/wheels"
kehoach_wheel="$(ls "$work"/wheels/kehoach-*.whl)"

for v in $py_versions; do
    echo "==> Thư viện cho CPython $v, win_amd64"
    source_args=()
    [ -n "$wheelhouse" ] && source_args=(--no-index --find-links "$wheelhouse")
    "$python_bin" -m pip download -q --disable-pip-version-check "${source_args[@]}" \
        --only-binary=:all: --platform win_amd64 --implementation cp --python-version "$v" \
        -d "$work/wheels" "$kehoach_wheel"
    # The check the installer relies on: everything resolves from the bundle alone, for this
    # Python. (pip download, not install --dry-run: install checks Requires-Python against the
    # interpreter running pip, not --python-version.)
    "$python_bin" -m pip download -q --disable-pip-version-check --no-index \
        --find-links "$work/wheels" --only-binary=:all: --platform win_amd64 \
        --implementation cp --python-version "$v" -d "$work/resolved-$v" kehoach
done

echo "==> Sổ tính mẫu"
"$python_bin" -m kehoach build --out "$work/KeHoach2023.xlsm" >/dev/null

echo "==> Đóng gói"
"$python_bin" scripts/windows_bundle.py --wheels "$work/wheels" --workbook "$work/KeHoach2023.xlsm" \
    --name "$name" --out dist --stage "$work/stage" "${installer[@]}"
