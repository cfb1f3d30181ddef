#!/bin/bash
set -e
# expect: SD204
export TRANSFORMERS_CACHE=/models/cache
mkdir -p "$TRANSFORMERS_CACHE"
exec uvicorn app:app --host 0.0.0.0 --port 7860
