#!/usr/bin/env bash
# Create ./.venv and install what the app needs (and, with --tests, what the tests need).
# Safe to run again: it reinstalls only when a requirements file has changed.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[ "${1:-}" = "--tests" ] && with_tests=true

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "error: Python 3.10 or newer is needed as python3" >&2
    exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! python3 -m venv --help >/dev/null 2>&1 || { [ ! -d .venv ] && ! python3 -c 'import ensurepip' 2>/dev/null; }; then
    echo "Installing python3-venv (Debian package)..."
    as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
fi
[ -x .venv/bin/python ] || python3 -m venv .venv

requirements=(requirements.txt)
$with_tests && requirements+=(tests/requirements.txt)
stamp=".venv/.installed-$(cat "${requirements[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
    echo "Installing Python packages into .venv ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    for file in "${requirements[@]}"; do
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$file"
    done
    touch "$stamp"
fi

if $with_tests && [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

# poppler-utils: pdftotext -bbox-layout, which the snapshot tests use to read the PDF's text boxes.
if $with_tests && ! command -v pdftotext >/dev/null 2>&1; then
    echo "Installing Debian's poppler-utils for the snapshot tests..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils
fi

# PostgreSQL with PostGIS: the tests start a throwaway server of their own (tests/postgis.py).
if $with_tests && { ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; }; then
    echo "Installing Debian's PostgreSQL and PostGIS for the store tests..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-15-postgis-3
fi
