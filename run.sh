#!/usr/bin/env bash
# One command: install into .venv/ and start the app on the embedded default with the sample reports.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
exec .venv/bin/python app.py "$@"
