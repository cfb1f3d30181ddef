#!/bin/bash
export FORWARDED_ALLOW_IPS='*'
exec uvicorn main:app --host 0.0.0.0 --port 7860
