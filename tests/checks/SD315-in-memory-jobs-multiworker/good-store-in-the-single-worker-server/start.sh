#!/bin/bash
uvicorn health:app --host 127.0.0.1 --port 8001 --workers 4 &
exec uvicorn jobs_api:app --host 0.0.0.0 --port 7860
