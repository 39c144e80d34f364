#!/usr/bin/env bash
# Set up (first run only: .venv, pip packages, Debian chromium) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash dashboard/setup.sh --tests
exec .venv/bin/python -m pytest "$@"
