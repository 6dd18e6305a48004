#!/usr/bin/env bash
# Install the project into .venv/ (CPU torch pinned first, so no CUDA build is pulled).
# Usage: scripts/install.sh [--test]   (--test adds pytest, Playwright and Debian's Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
STAMP=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
EXTRA=""
if [ "${1:-}" = "--test" ]; then EXTRA="[test]"; STAMP="$STAMP-test"; fi
if [ ! -f "$STAMP" ]; then
  .venv/bin/pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/pip install -q "torch==2.13.0"
  .venv/bin/pip install -q -e ".${EXTRA}"
  touch "$STAMP"
fi
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei >/dev/null
  else
    echo "提示：未找到 /usr/bin/chromium，浏览器测试将跳过（需要 root 执行 apt-get install chromium fonts-wqy-microhei）。" >&2
  fi
fi
