#!/bin/sh
# One app replica on 127.0.0.1:PORT: the one place that says how a replica is started
# (supervisord runs it once per replica, deploy/supervisord.conf.in). The data store comes from
# the environment (MC2CM_DB); MC2CM_PYTHON names the interpreter (default: the project's .venv).
# serve.py is app.py with its API, behind the security headers (deploy/security.py); MC2CM_APP names another entry point.
set -eu
PORT="$1"
cd "$(dirname "$0")/.."
APP="${MC2CM_APP:-serve.py}"
exec "${MC2CM_PYTHON:-.venv/bin/python}" -m streamlit run "$APP" \
  --server.port "$PORT" --server.address 127.0.0.1 --server.headless true \
  --server.fileWatcherType none --browser.gatherUsageStats false
