#!/bin/sh
export HF_HOME=/app/.cache
mkdir -p /app/.cache && chmod 700 /app/.cache
exec python app.py
