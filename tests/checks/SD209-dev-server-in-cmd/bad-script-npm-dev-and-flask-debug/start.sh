#!/bin/bash
export FLASK_DEBUG=1
# expect: SD209
flask --app api run --host 127.0.0.1 --port 5000 &
# expect: SD209
npm run dev -- --host 0.0.0.0 --port 7860
