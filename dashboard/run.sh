#!/usr/bin/env bash
# Set up (first run only) and start the dashboard at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash dashboard/setup.sh
exec .venv/bin/python -m streamlit run dashboard/app.py \
    --server.enableStaticServing true \
    --browser.gatherUsageStats false \
    "$@"
