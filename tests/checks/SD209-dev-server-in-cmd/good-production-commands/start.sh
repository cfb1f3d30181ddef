#!/bin/bash
# no --reload here; vite only builds
uvicorn api:app --host 127.0.0.1 --port 8000 --reload-delay 0.25 &
flask --app api run --port 5001 &
npm run start
