#!/usr/bin/env bash
# One command: install everything the tests need (into .venv/ and Debian's Chromium) and run the suite.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh --test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
exec .venv/bin/python -m pytest "$@"
