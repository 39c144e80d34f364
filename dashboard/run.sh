#!/usr/bin/env bash
# Set up (first run only) and start the dashboard at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash dashboard/setup.sh
.venv/bin/python -c "from dashboard.assets import ensure_static_assets; ensure_static_assets()"
# Server settings (static serving for Leaflet, no usage statistics, theme) are in .streamlit/config.toml.
exec .venv/bin/python -m streamlit run dashboard/app.py "$@"
