#!/bin/bash
uvicorn api:app --host 127.0.0.1 --port 8000 &
python app.py
