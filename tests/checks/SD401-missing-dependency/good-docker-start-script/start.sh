#!/bin/sh
set -e
pip install --user -r requirements.txt
exec uvicorn main:app --host 0.0.0.0 --port 7860
