#!/bin/bash
uvicorn api:app --host 0.0.0.0 --port 8000 &
python -m http.server 8080 --directory static &
nginx -g "daemon off;"
