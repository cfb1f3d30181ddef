#!/bin/bash
# expect: SD219
uvicorn api:app --host 0.0.0.0 --port 8000 &
python -m http.server 7860 --directory static
