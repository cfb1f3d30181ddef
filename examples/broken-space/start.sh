#!/bin/bash
# Keep uploaded cases across restarts by running from the persistent volume.
mkdir -p /data/app
cp -rn /app/. /data/app/
cd /data/app
exec uvicorn main:app --host 127.0.0.1 --port 8000 --proxy-headers
