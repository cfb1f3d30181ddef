#!/bin/sh
exec uvicorn main:app --host localhost --port 7860  # expect: SD207
