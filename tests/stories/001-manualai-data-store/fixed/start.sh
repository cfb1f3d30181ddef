#!/bin/bash
set -e

# Remove stale bytecode from persistent storage before Python imports anything
find /data -name "__pycache__" -type d -prune -exec rm -rf {} + 2>/dev/null || true
find /data -name "*.pyc" -delete 2>/dev/null || true

exec uvicorn api:app --host 0.0.0.0 --port 7860
